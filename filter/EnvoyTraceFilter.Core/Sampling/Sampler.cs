using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>
/// Makes the one sampling decision per request. Build once (rules are parsed and compiled here) and share:
/// <see cref="Decide"/> is thread-safe, lock-free and allocation-free.
/// </summary>
public sealed class Sampler
{
    private readonly TrustIncoming _trust;
    private readonly SamplingStrategy _strategy;
    private readonly TraceIdRatio _ratio;
    private readonly XRayRuleMatcher _rules;
    private readonly IRandomSource _random;

    /// <exception cref="ArgumentException">The options are invalid; the message lists every error (see <see cref="SamplingOptions.Validate"/>).</exception>
    public Sampler(SamplingOptions options, TimeProvider? timeProvider = null, IRandomSource? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid sampling options:" + Environment.NewLine + string.Join(Environment.NewLine, errors), nameof(options));
        }

        XRaySamplingRules.TryParse(options.RulesJson, out var rules, out _);
        Options = options;
        Rules = rules!;
        _trust = options.TrustIncoming;
        _strategy = options.Strategy;
        _ratio = new TraceIdRatio(options.Ratio);
        _random = random ?? SharedRandomSource.Instance;
        _rules = new XRayRuleMatcher(Rules, timeProvider ?? TimeProvider.System, _random);
    }

    public SamplingOptions Options { get; }

    /// <summary>The rules in effect (the X-Ray default when <see cref="SamplingOptions.RulesJson"/> is not set).</summary>
    public XRaySamplingRules Rules { get; }

    /// <summary>
    /// A concrete incoming decision wins when trusted (over a <c>Sampled=?</c> too, as in the X-Ray SDK).
    /// <c>Sampled=?</c> alone, or no decision, means "decide locally": the SDK does the same and reports back —
    /// reporting back is the caller's job, <see cref="SamplingInput.SamplingRequested"/> tells it to.
    /// </summary>
    public SamplingResult Decide(in SamplingInput input)
    {
        var incoming = input.Incoming;
        if (incoming is not (SamplingDecision.Sampled or SamplingDecision.NotSampled or SamplingDecision.Debug))
        {
            return DecideLocally(input);
        }

        if (_trust == TrustIncoming.Always)
        {
            return incoming switch
            {
                SamplingDecision.Debug => new SamplingResult(true, true, SamplingReason.IncomingDebug),
                SamplingDecision.Sampled => new SamplingResult(true, false, SamplingReason.Incoming),
                _ => new SamplingResult(false, false, SamplingReason.Incoming),
            };
        }

        if (_trust == TrustIncoming.DenyOnly && incoming == SamplingDecision.NotSampled)
        {
            return new SamplingResult(false, false, SamplingReason.Incoming);
        }

        return DecideLocally(input) with { IgnoredIncoming = incoming };
    }

    private SamplingResult DecideLocally(in SamplingInput input)
    {
        switch (_strategy)
        {
            case SamplingStrategy.Always:
                return new SamplingResult(true, false, SamplingReason.ForcedAlways);
            case SamplingStrategy.Never:
                return new SamplingResult(false, false, SamplingReason.ForcedNever);
            case SamplingStrategy.Ratio:
                // No valid id means the caller minted none; a random draw keeps the ratio, not cross-hop agreement.
                var sampled = input.TraceId.IsValid ? _ratio.IsSampled(input.TraceId) : _ratio.IsSampled(_random.NextDouble());
                return new SamplingResult(sampled, false, SamplingReason.Ratio);
            default:
                return _rules.Decide(input.Host, input.Method, PathWithoutQuery(input.Path));
        }
    }

    // url_path rules match the path only, as the SDKs see it; Envoy's :path carries the query too.
    private static ReadOnlySpan<char> PathWithoutQuery(ReadOnlySpan<char> path)
    {
        var end = path.IndexOfAny('?', '#');
        return end < 0 ? path : path[..end];
    }
}
