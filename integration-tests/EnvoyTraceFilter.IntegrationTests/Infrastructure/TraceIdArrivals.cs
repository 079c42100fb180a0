using System.Collections.Concurrent;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>The trace ids a collector stand-in has received, and waits for a set of them to arrive.</summary>
internal sealed class TraceIdArrivals
{
    private readonly ConcurrentDictionary<string, int> _seen = new(StringComparer.Ordinal);
    private readonly List<(HashSet<string> Wanted, int Missing, TaskCompletionSource Done)> _waiters = [];

    public void Add(string traceId)
    {
        _seen.TryAdd(traceId, 0);
        lock (_waiters)
        {
            foreach (var waiter in _waiters.ToList())
            {
                waiter.Wanted.RemoveWhere(_seen.ContainsKey);
                if (waiter.Wanted.Count <= waiter.Missing)
                {
                    waiter.Done.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }
    }

    /// <summary>Completes when all but <paramref name="missing"/> of <paramref name="traceIds"/> have arrived.</summary>
    public Task WaitForAsync(IEnumerable<string> traceIds, int missing = 0)
    {
        var waiter = (Wanted: new HashSet<string>(traceIds, StringComparer.Ordinal), Missing: missing, Done: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_waiters)
        {
            waiter.Wanted.RemoveWhere(_seen.ContainsKey);
            if (waiter.Wanted.Count <= missing)
            {
                return Task.CompletedTask;
            }

            _waiters.Add(waiter);
        }

        return waiter.Done.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }
}
