using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>
/// Ratio sampling as a pure function of the trace id, so every hop configured with the same ratio reaches the same
/// answer without talking to each other. We follow the OpenTelemetry consistent-probability idea: the low 56 bits of
/// the id (random in W3C level 2, X-Ray, B3 64- and 128-bit ids alike) are a number R in [0, 2^56); the request is
/// sampled when R &gt;= T, with rejection threshold T = round((1 - ratio) * 2^56). Ratio 1 gives T = 0 (all),
/// ratio 0 gives T = 2^56 (none).
/// </summary>
internal readonly struct TraceIdRatio
{
    private const ulong Mask56 = (1UL << 56) - 1;
    private const double TwoPow56 = 72057594037927936.0;

    private readonly ulong _threshold;

    public TraceIdRatio(double ratio)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ratio, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ratio, 1.0);
        _threshold = (ulong)Math.Round((1.0 - ratio) * TwoPow56);
    }

    public bool IsSampled(TraceId traceId) => (traceId.Low & Mask56) >= _threshold;

    /// <summary>Same rule for a request that has no valid trace id: a random 56-bit R from the injected source.</summary>
    public bool IsSampled(double uniform) => (ulong)(uniform * TwoPow56) >= _threshold;
}
