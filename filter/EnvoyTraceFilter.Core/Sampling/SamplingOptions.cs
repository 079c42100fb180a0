using System.Globalization;

namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>
/// Sampling settings, bound from <c>TraceFilter:Sampling:*</c>. Immutable once built; plain property types so the
/// configuration binder can fill them. Call <see cref="Validate"/> at startup and refuse to start on errors.
/// </summary>
public sealed class SamplingOptions
{
    public const string SectionKey = "TraceFilter:Sampling";
    public const string TrustIncomingKey = SectionKey + ":" + nameof(TrustIncoming);
    public const string StrategyKey = SectionKey + ":" + nameof(Strategy);
    public const string RatioKey = SectionKey + ":" + nameof(Ratio);
    public const string RulesJsonKey = SectionKey + ":" + nameof(RulesJson);

    /// <summary>Whose sampling decision counts when a request arrives with one. Default: <see cref="TrustIncoming.Always"/>.</summary>
    public TrustIncoming TrustIncoming { get; init; } = TrustIncoming.Always;

    /// <summary>How to decide locally. Default: <see cref="SamplingStrategy.XRayRules"/>.</summary>
    public SamplingStrategy Strategy { get; init; } = SamplingStrategy.XRayRules;

    /// <summary>Share of traces sampled by <see cref="SamplingStrategy.Ratio"/>, 0..1. Default 0.05.</summary>
    public double Ratio { get; init; } = 0.05;

    /// <summary>
    /// X-Ray local sampling rules as JSON (version 1 or 2). Null or blank: the X-Ray default, 1 request per second
    /// plus 5 % of the rest. Validated whatever the strategy, so a broken document never sits unnoticed.
    /// </summary>
    public string? RulesJson { get; init; }

    /// <summary>Every problem with these options, each naming its key and the fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();

        if (!Enum.IsDefined(TrustIncoming))
        {
            errors.Add($"{TrustIncomingKey} must be one of {string.Join(", ", Enum.GetNames<TrustIncoming>())} (was {(int)TrustIncoming})");
        }

        if (!Enum.IsDefined(Strategy))
        {
            errors.Add($"{StrategyKey} must be one of {string.Join(", ", Enum.GetNames<SamplingStrategy>())} (was {(int)Strategy})");
        }

        // Written so NaN fails too.
        if (!(Ratio >= 0.0 && Ratio <= 1.0))
        {
            errors.Add($"{RatioKey} must be between 0 and 1 (was {Ratio.ToString(CultureInfo.InvariantCulture)})");
        }

        XRaySamplingRules.TryParse(RulesJson, out _, out var ruleErrors);
        errors.AddRange(ruleErrors);
        return errors;
    }
}
