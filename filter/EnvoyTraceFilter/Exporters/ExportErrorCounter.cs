using System.Diagnostics.Metrics;
using EnvoyTraceFilter.Telemetry;

namespace EnvoyTraceFilter.Exporters;

/// <summary>
/// <c>tracefilter.export.errors{exporter,error}</c>: why sends to a collector fail, one count per failed attempt
/// (a POST of a batch, an X-Ray datagram, a DNS lookup), next to the per-span outcome in
/// <c>tracefilter.export.spans</c>. The error values are <see cref="ExportErrors"/>.
/// </summary>
internal static class ExportErrorCounter
{
    public const string InstrumentName = "tracefilter.export.errors";

    public static Counter<long> Create(IMeterFactory meters) =>
        meters.Create(FilterMetrics.MeterName).CreateCounter<long>(InstrumentName, "{error}", "Failed attempts to reach a collector, by cause.");
}
