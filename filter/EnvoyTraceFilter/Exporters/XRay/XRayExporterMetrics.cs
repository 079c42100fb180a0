using System.Diagnostics.Metrics;

namespace EnvoyTraceFilter.Exporters.XRay;

/// <summary>
/// The X-Ray exporter's counters on the shared "EnvoyTraceFilter" meter: <c>tracefilter.export.spans</c>
/// tagged exporter=xray and result=exported|dropped_queue_full|failed|dropped_incompatible_id|
/// dropped_too_large|dropped_invalid|dropped_shutdown; and <c>tracefilter.export.errors</c> tagged exporter=xray and
/// error=connection_refused|no_address|resolve|socket (see <see cref="ExportErrors"/>).
/// </summary>
public sealed class XRayExporterMetrics
{
    public const string MeterName = Telemetry.FilterMetrics.MeterName;
    public const string SpansInstrumentName = ExportSpanCounter.InstrumentName;

    private static readonly KeyValuePair<string, object?> ExporterTag = new("exporter", "xray");

    // Boxed once so recording a span allocates nothing.
    private static readonly KeyValuePair<string, object?>[] ResultTags =
    [
        new("result", "exported"),
        new("result", "dropped_queue_full"),
        new("result", "failed"),
        new("result", "dropped_incompatible_id"),
        new("result", "dropped_too_large"),
        new("result", "dropped_invalid"),
        new("result", "dropped_shutdown"),
    ];

    private readonly Counter<long> _spans;
    private readonly Counter<long> _errors;

    public XRayExporterMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _spans = ExportSpanCounter.Create(meterFactory);
        _errors = ExportErrorCounter.Create(meterFactory);
    }

    internal static string ResultTag(XRayExportResult result) => (string)ResultTags[(int)result].Value!;

    internal void Record(XRayExportResult result) => _spans.Add(1, ExporterTag, ResultTags[(int)result]);

    /// <summary>One failed attempt; <paramref name="error"/> is one of the <see cref="ExportErrors"/> constants.</summary>
    internal void RecordError(string error) => _errors.Add(1, ExporterTag, new KeyValuePair<string, object?>("error", error));
}
