namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>
/// The X-Ray local rules decision: the first rule whose host, method and path all match (else the default rule)
/// grants from its reservoir while that second's budget lasts, then samples <c>rate</c> of the rest by random draw.
/// </summary>
internal sealed class XRayRuleMatcher
{
    private readonly CompiledSamplingRule[] _rules;
    private readonly CompiledSamplingRule _default;
    private readonly IRandomSource _random;

    public XRayRuleMatcher(XRaySamplingRules rules, TimeProvider time, IRandomSource random)
    {
        _rules = rules.Rules.Select(rule => new CompiledSamplingRule(rule, time)).ToArray();
        _default = new CompiledSamplingRule(rules.Default, time);
        _random = random;
    }

    public SamplingResult Decide(ReadOnlySpan<char> host, ReadOnlySpan<char> method, ReadOnlySpan<char> path)
    {
        var index = FindRule(host, method, path);
        var rule = index < 0 ? _default : _rules[index];
        if (rule.Reservoir.TryTake())
        {
            return new SamplingResult(true, false, SamplingReason.Reservoir);
        }

        // Strictly less than, as the SDKs do: rate 0 never samples, rate 1 always does.
        return _random.NextDouble() < rule.Rate
            ? new SamplingResult(true, false, SamplingReason.Rate)
            : new SamplingResult(false, false, SamplingReason.RuleNotSampled);
    }

    /// <summary>Index of the first matching custom rule, or -1 for the default rule.</summary>
    internal int FindRule(ReadOnlySpan<char> host, ReadOnlySpan<char> method, ReadOnlySpan<char> path)
    {
        for (var i = 0; i < _rules.Length; i++)
        {
            if (_rules[i].Matches(host, method, path))
            {
                return i;
            }
        }

        return -1;
    }
}
