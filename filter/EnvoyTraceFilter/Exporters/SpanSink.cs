using System.Diagnostics;
using EnvoyTraceFilter.Core.Spans;
using EnvoyTraceFilter.Exporters.XRay;
using EnvoyTraceFilter.Exporters.Zipkin;

namespace EnvoyTraceFilter.Exporters;

/// <summary>
/// Where finished spans go: both exporters get the same record from the same sampling decision. Each
/// exporter only queues (never blocks, never throws); a disabled exporter is null.
/// </summary>
public sealed class SpanSink(XRayExporter? xray, ZipkinSpanExporter? zipkin, HopActivitySource? hops)
{
    /// <summary>True when the Zipkin/OTLP exporter needs an Activity per sampled hop (it then mints the span id).</summary>
    public bool NeedsActivity => zipkin is not null && hops is not null;

    public bool Enabled => xray is not null || zipkin is not null;

    public Activity? StartHop(Core.Propagation.TraceId traceId, Core.Propagation.SpanId parent, DateTime startUtc) =>
        hops?.Start(traceId, parent, startUtc);

    public void Export(SpanRecord span, Activity? activity)
    {
        xray?.TryEnqueue(span);
        if (zipkin is not null && activity is not null)
        {
            zipkin.TryEnqueue(span, activity);
        }
    }
}
