using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>
/// What <see cref="Sampler.Decide"/> looks at. A ref struct so host, method and path can be slices of the
/// request's header buffers without copying.
/// </summary>
public readonly ref struct SamplingInput
{
    /// <summary>The decision carried by the chosen incoming trace context (<see cref="SamplingDecision.None"/> if none).</summary>
    public SamplingDecision Incoming { get; init; }

    /// <summary>X-Ray <c>Sampled=?</c>: the caller asks us to decide (and to report the decision back).</summary>
    public bool SamplingRequested { get; init; }

    /// <summary>The request's trace id (incoming or freshly minted); used by <see cref="SamplingStrategy.Ratio"/>.</summary>
    public TraceId TraceId { get; init; }

    /// <summary>The Host / <c>:authority</c> value as received (a port, if any, is part of it). Empty if absent.</summary>
    public ReadOnlySpan<char> Host { get; init; }

    /// <summary>The HTTP method, e.g. <c>GET</c>.</summary>
    public ReadOnlySpan<char> Method { get; init; }

    /// <summary>The <c>:path</c>; anything from the first <c>?</c> or <c>#</c> on is not matched.</summary>
    public ReadOnlySpan<char> Path { get; init; }

    /// <summary>Builds an input from the trace context the propagation layer chose, and the request line.</summary>
    public static SamplingInput From(
        in TraceContext context,
        TraceId traceId,
        ReadOnlySpan<char> host,
        ReadOnlySpan<char> method,
        ReadOnlySpan<char> path) => new()
    {
        Incoming = context.Sampling,
        SamplingRequested = context.SamplingRequested,
        TraceId = traceId,
        Host = host,
        Method = method,
        Path = path,
    };
}
