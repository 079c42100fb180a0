using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Core.Tests.Sampling;

internal static class TestInputs
{
    public static readonly TraceId AnyTraceId = new(0x5f3c1a2b00000000, 0x0123456789abcdef);

    public static SamplingResult Decide(
        this Sampler sampler,
        string host = "api.example.com",
        string method = "GET",
        string path = "/",
        SamplingDecision incoming = SamplingDecision.None,
        bool requested = false,
        TraceId traceId = default) =>
        sampler.Decide(new SamplingInput
        {
            Incoming = incoming,
            SamplingRequested = requested,
            TraceId = traceId,
            Host = host,
            Method = method,
            Path = path,
        });

    public static Sampler RulesSampler(string? rulesJson, TimeProvider clock, IRandomSource random) =>
        new(new SamplingOptions { Strategy = SamplingStrategy.XRayRules, RulesJson = rulesJson }, clock, random);

    /// <summary>One catch-all rule (plus a never-sampling default) with the given budget.</summary>
    public static string SingleRule(int fixedTarget, double rate) => $$$"""
        {"version": 2,
         "rules": [{"description": "all", "host": "*", "http_method": "*", "url_path": "*", "fixed_target": {{{fixedTarget}}}, "rate": {{{rate.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}}],
         "default": {"fixed_target": 0, "rate": 0}}
        """;
}
