using System.Diagnostics.Metrics;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>
/// The ends of one host's Kestrel connections, each with its reason: Kestrel records <c>kestrel.connection.duration</c>
/// when a connection ends, with <c>error.type</c> naming why it closed it (keep_alive_timeout, min_response_data_rate,
/// ...; "none" for an end that is not an error). Scoped to the host's IMeterFactory, so parallel tests don't mix.
/// Create it before the connections it watches: Kestrel measures only connections that start while a listener is on.
/// </summary>
public sealed class ConnectionEnds : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<string> _ends = [];
    private readonly List<(string Reason, int Count, TaskCompletionSource Done)> _waiters = [];

    public ConnectionEnds(FilterHost host)
    {
        var scope = host.Services.GetService(typeof(IMeterFactory));
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, scope) && instrument.Name == "kestrel.connection.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            var reason = "none";
            foreach (var tag in tags)
            {
                if (tag.Key == "error.type")
                {
                    reason = tag.Value?.ToString() ?? "none";
                }
            }

            lock (_ends)
            {
                _ends.Add(reason);
                foreach (var waiter in _waiters.Where(w => _ends.Count(e => e == w.Reason) >= w.Count).ToList())
                {
                    waiter.Done.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>Every end so far, by reason.</summary>
    public IReadOnlyList<string> Reasons
    {
        get { lock (_ends) { return [.. _ends]; } }
    }

    /// <summary>Completes when <paramref name="count"/> connections have ended for <paramref name="reason"/>.</summary>
    public Task WaitForAsync(string reason, int count = 1, TimeSpan? timeout = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_ends)
        {
            if (_ends.Count(e => e == reason) >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((reason, count, done));
        }

        return done.Task.WaitAsync(timeout ?? TaskTimeouts.Default);
    }

    public void Dispose() => _listener.Dispose();
}
