using System.Diagnostics;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Spans;
using EnvoyTraceFilter.Exporters.XRay;
using EnvoyTraceFilter.Exporters.Zipkin;

namespace EnvoyTraceFilter.Exporters;

/// <summary>
/// The one owner of hop spans: starts each sampled hop's span (choosing its id), and sends the finished record to
/// both exporters from the same sampling decision. Each exporter only queues (never blocks, never throws); a
/// disabled exporter is null. The edge sees only <see cref="IHopSpanSource"/> and <see cref="HopSpan"/>.
/// </summary>
public sealed class SpanSink : IHopSpanSource
{
    private readonly XRayExporter? _xray;
    private readonly ZipkinSpanExporter? _zipkin;
    private readonly IIdGenerator _ids;

    public SpanSink(XRayExporter? xray, ZipkinSpanExporter? zipkin, IIdGenerator ids)
    {
        _xray = xray;
        _zipkin = zipkin;
        _ids = ids;
    }

    /// <summary>False when no exporter is on: then no span is started at all.</summary>
    public bool Enabled => _xray is not null || _zipkin is not null;

    public HopSpan Start(TraceId traceId, SpanId parentSpanId, bool debug)
    {
        // The OpenTelemetry exporters can only send an Activity whose span id the runtime chose: then that id is the hop's.
        var activity = _zipkin?.StartActivity(traceId, parentSpanId);
        var spanId = activity is null ? _ids.NewSpanId() : HopActivities.SpanIdOf(activity);
        return new SinkSpan(this, activity, traceId, spanId, parentSpanId, debug);
    }

    private void Export(SpanRecord record, Activity? activity)
    {
        _xray?.TryEnqueue(record);
        if (activity is not null)
        {
            _zipkin!.TryEnqueue(record, activity);
        }
    }

    private sealed class SinkSpan(SpanSink sink, Activity? activity, TraceId traceId, SpanId spanId, SpanId parent, bool debug)
        : HopSpan(traceId, spanId, parent, debug)
    {
        protected override void Export(SpanRecord record) => sink.Export(record, activity);
    }
}
