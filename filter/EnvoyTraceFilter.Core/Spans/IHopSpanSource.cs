using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Spans;

/// <summary>
/// Starts the span of a sampled hop and chooses its id (an exporter may need to own it). The analyzer asks for
/// one only in Hop mode and only for sampled requests, and writes the span's id into the app's headers, so the
/// exported span and the app's parent id always agree.
/// </summary>
public interface IHopSpanSource
{
    HopSpan Start(TraceId traceId, SpanId parentSpanId, bool debug);
}
