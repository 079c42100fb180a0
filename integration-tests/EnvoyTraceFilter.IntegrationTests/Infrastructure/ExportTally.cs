using System.Collections.Concurrent;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>
/// Reads a Zipkin collector and an X-Ray daemon continuously (a burst would overflow an unread UDP buffer) and
/// collects the span ids each received.
/// </summary>
public sealed class ExportTally : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _zipkinLoop;
    private readonly Task _xrayLoop;
    private readonly List<(Func<bool> Condition, TaskCompletionSource Done)> _waiters = [];

    public ExportTally(ZipkinCollector zipkin, XRayDaemon xray)
    {
        _zipkinLoop = ReadAsync(async () => (await zipkin.NextSpanAsync()).GetProperty("id").GetString()!, Zipkin);
        _xrayLoop = ReadAsync(async () => (await xray.NextSegmentAsync()).GetProperty("id").GetString()!, XRay);
    }

    public ConcurrentDictionary<string, int> Zipkin { get; } = new();

    public ConcurrentDictionary<string, int> XRay { get; } = new();

    /// <summary>Completes when both have received at least <paramref name="count"/> spans.</summary>
    public Task WaitForAsync(int count)
    {
        var waiter = (Condition: (Func<bool>)(() => Zipkin.Count >= count && XRay.Count >= count), Done: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_waiters)
        {
            _waiters.Add(waiter);
        }

        Check();
        return WaitAsync(waiter.Done.Task, count);
    }

    private async Task WaitAsync(Task done, int count)
    {
        try
        {
            await done.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"expected {count} spans at each collector; Zipkin has {Zipkin.Count}, X-Ray has {XRay.Count}");
        }
    }

    private async Task ReadAsync(Func<Task<string>> next, ConcurrentDictionary<string, int> into)
    {
        while (!_stop.IsCancellationRequested)
        {
            string id;
            try
            {
                id = await next().WaitAsync(_stop.Token);
            }
            catch (TimeoutException)
            {
                continue; // nothing for a while; keep listening until disposed
            }
            catch (OperationCanceledException)
            {
                return;
            }

            into.AddOrUpdate(id, 1, (_, n) => n + 1);
            Check();
        }
    }

    private void Check()
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

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_zipkinLoop, _xrayLoop);
        _stop.Dispose();
    }
}
