using System.Diagnostics.Metrics;
using EnvoyTraceFilter.Telemetry;

namespace EnvoyTraceFilter.Exporters;

/// <summary>
/// <c>tracefilter.export.spans{exporter,result}</c>, shared by every exporter: the meter factory returns one
/// Meter per name and the Meter one instrument per (name, unit, description), so both exporters record into it.
/// </summary>
internal static class ExportSpanCounter
{
    public const string InstrumentName = "tracefilter.export.spans";

    public static Counter<long> Create(IMeterFactory meters) =>
        meters.Create(FilterMetrics.MeterName).CreateCounter<long>(InstrumentName, "{span}", "Spans handed to an exporter, by outcome.");
}
