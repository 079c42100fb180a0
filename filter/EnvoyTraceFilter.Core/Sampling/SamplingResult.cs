using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>The one sampling decision for a request; it drives the outgoing sampled flag and span export.</summary>
/// <param name="Sampled">Whether the request is sampled (headers say so and spans are exported).</param>
/// <param name="Debug">True only when a trusted incoming B3 debug flag was honoured; implies <paramref name="Sampled"/>.</param>
/// <param name="Reason">What decided <paramref name="Sampled"/>.</param>
public readonly record struct SamplingResult(bool Sampled, bool Debug, SamplingReason Reason)
{
    /// <summary>
    /// The incoming decision that <see cref="TrustIncoming"/> told us to ignore, or <see cref="SamplingDecision.None"/>.
    /// Kept apart from <see cref="Reason"/> so the local reason (reservoir, rate, …) is not lost; count
    /// <see cref="SamplingDecision.Sampled"/> / <see cref="SamplingDecision.Debug"/> here as forced-sampling attempts.
    /// </summary>
    public SamplingDecision IgnoredIncoming { get; init; }

    /// <summary>True when an incoming decision was present but not followed.</summary>
    public bool IncomingIgnored => IgnoredIncoming != SamplingDecision.None;
}
