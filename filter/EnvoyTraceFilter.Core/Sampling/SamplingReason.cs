namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>What decided a request's sampling. Meant as a metric label.</summary>
public enum SamplingReason
{
    /// <summary>A trusted incoming sampled / not-sampled decision was followed.</summary>
    Incoming = 0,

    /// <summary>A trusted incoming B3 debug flag: sampled, and debug is propagated.</summary>
    IncomingDebug = 1,

    /// <summary>Sampled from the matching X-Ray rule's per-second reservoir.</summary>
    Reservoir = 2,

    /// <summary>Reservoir used up; sampled by the rule's random rate.</summary>
    Rate = 3,

    /// <summary>Reservoir used up and the rate draw said no.</summary>
    RuleNotSampled = 4,

    /// <summary>Decided by the trace-id ratio (sampled or not: see <see cref="SamplingResult.Sampled"/>).</summary>
    Ratio = 5,

    /// <summary>Strategy <see cref="SamplingStrategy.Always"/>.</summary>
    ForcedAlways = 6,

    /// <summary>Strategy <see cref="SamplingStrategy.Never"/>.</summary>
    ForcedNever = 7,
}
