namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>
/// One X-Ray local sampling rule. <see cref="Host"/> is the rule's <c>host</c> (version 2) or <c>service_name</c>
/// (version 1, where it also matched the Host header). The default rule has <c>*</c> for all three patterns.
/// </summary>
/// <param name="Description">Free text, not used for matching.</param>
/// <param name="Host">Glob for the Host value; case-insensitive.</param>
/// <param name="HttpMethod">Glob for the method; case-insensitive.</param>
/// <param name="UrlPath">Glob for the path without query; case-insensitive (ASCII), as in the X-Ray SDKs.</param>
/// <param name="FixedTarget">Requests per second sampled from the reservoir before <paramref name="Rate"/> applies.</param>
/// <param name="Rate">Share, 0..1, of the requests beyond the reservoir that are sampled.</param>
public sealed record XRaySamplingRule(
    string? Description,
    string Host,
    string HttpMethod,
    string UrlPath,
    int FixedTarget,
    double Rate);
