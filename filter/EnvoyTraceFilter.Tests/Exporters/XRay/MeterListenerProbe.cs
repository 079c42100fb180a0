using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EnvoyTraceFilter.Exporters.XRay;

namespace EnvoyTraceFilter.Tests.Exporters.XRay;

/// <summary>Sums <c>tracefilter.export.spans</c> by result tag and <c>tracefilter.export.errors</c> by error tag, for exporter=xray only.</summary>
internal sealed class MeterListenerProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);

    public MeterListenerProbe(Func<Meter, bool> meterFilter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == XRayExporterMetrics.MeterName &&
                instrument.Name is XRayExporterMetrics.SpansInstrumentName or "tracefilter.export.errors" && meterFilter(instrument.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? exporter = null;
            string? result = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "exporter")
                {
                    exporter = tag.Value as string;
                }
                else if (tag.Key is "result" or "error")
                {
                    result = tag.Value as string;
                }
            }

            Assert.Equal("xray", exporter);
            Assert.NotNull(result);
            (instrument.Name == XRayExporterMetrics.SpansInstrumentName ? _totals : _errors).AddOrUpdate(result, value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    public long Total(string result) => _totals.GetValueOrDefault(result);

    public long Errors(string error) => _errors.GetValueOrDefault(error);

    public void Dispose() => _listener.Dispose();
}
