using System.Diagnostics.Metrics;

namespace EnvoyTraceFilter.Telemetry;

/// <summary>
/// <c>tracefilter.export.queue.depth{exporter}</c>: one observable gauge over every enabled exporter's queue,
/// read only when metrics are collected (nothing on the request path).
/// </summary>
public sealed class ExportQueueMetrics
{
    public const string InstrumentName = "tracefilter.export.queue.depth";

    public ExportQueueMetrics(IMeterFactory meters, IEnumerable<IExportQueue> queues)
    {
        var list = queues.ToArray();
        meters.Create(FilterMetrics.MeterName).CreateObservableGauge(InstrumentName,
            () => list.Select(q => new Measurement<int>(q.QueueDepth, new KeyValuePair<string, object?>("exporter", q.ExporterName))),
            "{span}", "Spans waiting in an exporter's queue.");
    }
}
