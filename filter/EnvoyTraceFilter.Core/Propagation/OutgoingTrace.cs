namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>The context written to the app: this hop's span (or the incoming one in translate-only mode).</summary>
public readonly record struct OutgoingTrace(TraceId TraceId, SpanId SpanId, SpanId ParentSpanId, bool Sampled, bool Debug)
{
    /// <summary>
    /// Translate-only with no incoming decision: none is written (no <c>x-b3-sampled</c>, <c>b3</c> without its
    /// sampling field, <c>traceparent</c> flags 00, no X-Ray <c>Sampled</c>, no <c>;o=</c>). Never set for a hop.
    /// </summary>
    public bool Undecided { get; init; }

    /// <summary>The incoming <c>traceparent</c> flagged this trace id random (W3C Level 2, 0x02): kept with the id.</summary>
    public bool RandomTraceId { get; init; }
}
