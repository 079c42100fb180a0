namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>The context written to the app: this hop's span (or the incoming one in translate-only mode).</summary>
public readonly record struct OutgoingTrace(TraceId TraceId, SpanId SpanId, SpanId ParentSpanId, bool Sampled, bool Debug);
