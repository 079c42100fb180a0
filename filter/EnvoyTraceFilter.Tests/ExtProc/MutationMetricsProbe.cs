using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using EnvoyTraceFilter.Telemetry;

namespace EnvoyTraceFilter.Tests.ExtProc;

/// <summary>Sums the tracefilter.mutation.* counters of one FilterMetrics instance, keyed "name{tag=value,…}".</summary>
internal sealed class MutationMetricsProbe : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _totals = new(StringComparer.Ordinal);
    private readonly TestMeterFactory _factory = new();

    public MutationMetricsProbe()
    {
        Metrics = new FilterMetrics(_factory);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (_factory.Owns(instrument.Meter) && instrument.Name.StartsWith("tracefilter.mutation.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name + "{" + string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")) + "}";
            _totals.AddOrUpdate(key, value, (_, sum) => sum + value);
        });
        _listener.Start();
    }

    public FilterMetrics Metrics { get; }

    /// <summary>Every non-zero total, sorted.</summary>
    public string[] Totals => [.. _totals.Where(t => t.Value != 0).Select(t => $"{t.Key} {t.Value}").Order(StringComparer.Ordinal)];

    public void Dispose()
    {
        _listener.Dispose();
        _factory.Dispose();
    }
}
