namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>An <see cref="XRaySamplingRule"/> with its globs compiled and its own per-second reservoir.</summary>
internal sealed class CompiledSamplingRule
{
    private readonly WildcardPattern _host;
    private readonly WildcardPattern _method;
    private readonly WildcardPattern _path;

    public CompiledSamplingRule(XRaySamplingRule rule, TimeProvider time)
    {
        Rule = rule;

        // All three ignore case, paths included: every X-Ray SDK matches rules so, and a rule set written for
        // them must pick the same requests here. Folding is ASCII-only (the path is read byte for byte).
        _host = new WildcardPattern(rule.Host, ignoreCase: true);
        _method = new WildcardPattern(rule.HttpMethod, ignoreCase: true);
        _path = new WildcardPattern(rule.UrlPath, ignoreCase: true);
        Reservoir = new Reservoir(rule.FixedTarget, time);
    }

    public XRaySamplingRule Rule { get; }

    public Reservoir Reservoir { get; }

    public double Rate => Rule.Rate;

    // An absent value is matched as "" (only a "*"-only pattern takes it), not as "matches anything" like the SDK.
    public bool Matches(ReadOnlySpan<char> host, ReadOnlySpan<char> method, ReadOnlySpan<char> path) =>
        _host.IsMatch(host) && _method.IsMatch(method) && _path.IsMatch(path);
}
