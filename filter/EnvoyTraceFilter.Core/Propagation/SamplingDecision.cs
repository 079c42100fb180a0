namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>What an incoming header says about sampling. <see cref="None"/> is "no decision" (e.g. no <c>;o=</c>).</summary>
public enum SamplingDecision : byte
{
    None = 0,
    NotSampled = 1,
    Sampled = 2,

    /// <summary>B3 debug (<c>x-b3-flags: 1</c> or <c>b3: …-d</c>): implies sampled.</summary>
    Debug = 3,
}
