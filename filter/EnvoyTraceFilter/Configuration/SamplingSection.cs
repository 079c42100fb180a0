namespace EnvoyTraceFilter.Configuration;

/// <summary>
/// TraceFilter:Sampling. Mirrors EnvoyTraceFilter.Core.Sampling.SamplingOptions with strings for the enums,
/// so a typo is reported with the allowed values together with every other configuration error.
/// </summary>
public sealed class SamplingSection
{
    /// <summary>Always (follow incoming decisions), Never (ignore them: a client forcing sampling is a cost attack), DenyOnly.</summary>
    public string TrustIncoming { get; set; } = "Always";

    /// <summary>XRayRules (default: 1 request/s + 5 %), Ratio, Always, Never.</summary>
    public string Strategy { get; set; } = "XRayRules";

    /// <summary>Share of traces kept by the Ratio strategy, 0..1.</summary>
    public double Ratio { get; set; } = 0.05;

    /// <summary>X-Ray local sampling rules document (version 1 or 2); empty means the X-Ray default rule.</summary>
    public string? RulesJson { get; set; }

    /// <summary>
    /// Path of a file holding the rules document instead (absolute, or relative to the working directory), e.g. a
    /// mounted ConfigMap. Read at start and at every reload; a missing or invalid file fails startup, and on reload
    /// keeps the last good rules.
    /// </summary>
    public string? RulesFile { get; set; }
}
