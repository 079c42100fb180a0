using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Analysis;

/// <summary>
/// Mints the hop's span id for a sampled request when an exporter must own it (the OpenTelemetry SDK can
/// only export an Activity whose span id it generated itself). The id it returns is the one written to the
/// app's headers, so exported spans and headers always agree.
/// </summary>
public interface ISampledSpanMinter
{
    SpanId Mint(TraceId traceId, SpanId parentSpanId, bool debug);
}
