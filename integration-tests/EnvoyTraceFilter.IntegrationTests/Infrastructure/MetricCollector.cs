using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>
/// Sums the long counters of one host (its IMeterFactory is the meters' scope), so tests running in
/// parallel never see each other's measurements.
/// </summary>
public sealed class MetricCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new();
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public MetricCollector(object meterScope)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterScope))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var key = instrument.Name;
            foreach (var tag in tags)
            {
                key += $"|{tag.Key}={tag.Value}";
            }

            _sums.AddOrUpdate(key, value, (_, sum) => sum + value);
            CheckWaiters();
        });
        _listener.Start();
    }

    /// <summary>Sum of <paramref name="instrument"/> over measurements carrying every given tag ("key=value").</summary>
    public long Sum(string instrument, params string[] tags) =>
        _sums.Where(kv => kv.Key.Split('|')[0] == instrument && tags.All(t => kv.Key.Split('|').Contains(t))).Sum(kv => kv.Value);

    /// <summary>Completes when <see cref="Sum"/> of <paramref name="instrument"/> (with <paramref name="tags"/>) reaches <paramref name="atLeast"/>.</summary>
    public Task WaitForAsync(long atLeast, string instrument, params string[] tags) =>
        WaitUntilAsync(m => m.Sum(instrument, tags) >= atLeast);

    /// <summary>Completes when <paramref name="condition"/> holds, checked after every measurement (for sums that also go down).</summary>
    public Task WaitUntilAsync(Func<MetricCollector, bool> condition)
    {
        var waiter = (Condition: (Func<bool>)(() => condition(this)), Done: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_waiters)
        {
            _waiters.Add(waiter);
        }

        CheckWaiters();
        return waiter.Done.Task.WaitAsync(TaskTimeouts.Default);
    }

    private void CheckWaiters()
    {
        lock (_waiters)
        {
            foreach (var waiter in _waiters.Where(w => w.Condition()).ToList())
            {
                waiter.Done.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}
