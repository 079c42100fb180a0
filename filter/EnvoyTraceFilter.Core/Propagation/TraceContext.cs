namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>
/// Trace context read from one incoming header format. A context may carry only a sampling decision
/// (B3 <c>b3: 0</c>, a lone <c>x-b3-sampled</c>) or only a trace id (an X-Ray <c>Root</c> with no <c>Parent</c>).
/// </summary>
public readonly record struct TraceContext(
    TraceId TraceId,
    SpanId SpanId,
    SpanId ParentSpanId,
    SamplingDecision Sampling,
    TraceFormat Format)
{
    /// <summary>True when the header carried a trace id (a sampling-only B3 header does not).</summary>
    public bool HasTraceId => TraceId.IsValid;

    /// <summary>X-Ray <c>Sampled=?</c>: the caller asks the receiver to decide and report back.</summary>
    public bool SamplingRequested { get; init; }

    /// <summary>W3C Level 2 flag 0x02: the caller says the trace id's right 7 bytes are random.</summary>
    public bool RandomTraceId { get; init; }

    /// <summary>Parts of the header that were ignored while the rest was used (counted, not a rejection).</summary>
    public RejectReasonSet Ignored { get; init; }
}
