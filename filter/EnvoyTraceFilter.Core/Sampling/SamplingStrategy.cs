namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>How a request is sampled when no trusted incoming decision exists.</summary>
public enum SamplingStrategy
{
    /// <summary>X-Ray local sampling rules: per-rule reservoir per second, then a random rate.</summary>
    XRayRules = 0,

    /// <summary>A fixed ratio, decided from the trace id so every hop with the same ratio agrees.</summary>
    Ratio = 1,

    /// <summary>Sample every request.</summary>
    Always = 2,

    /// <summary>Sample no request (incoming decisions still apply as <see cref="TrustIncoming"/> says).</summary>
    Never = 3,
}
