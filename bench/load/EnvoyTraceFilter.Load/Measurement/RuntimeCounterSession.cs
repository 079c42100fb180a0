using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace EnvoyTraceFilter.Load.Measurement;

/// <summary>
/// The server's own runtime counters (allocation, GC counts, first-chance exceptions), read through the .NET
/// diagnostics IPC channel every .NET process opens: an EventPipe session on the "System.Runtime" EventCounters,
/// one report per second. Needs no port or code in the server, works the same for the filter and the null server,
/// and costs the server one small event batch per second.
/// </summary>
internal sealed class RuntimeCounterSession : IDisposable
{
    private readonly EventPipeSession _session;
    private readonly Task _processing;
    private readonly Lock _gate = new();
    private readonly List<CounterReport> _reports = [];

    private RuntimeCounterSession(EventPipeSession session)
    {
        _session = session;
        var source = new EventPipeEventSource(session.EventStream);
        source.Dynamic.All += OnEvent;
        _processing = Task.Run(() =>
        {
            try
            {
                source.Process();
            }
            catch (Exception e) when (e is EndOfStreamException or IOException or ObjectDisposedException)
            {
                // the session ended with the server
            }
        });
    }

    /// <summary>Starts the session, or returns null (with the reason) when the process has no diagnostics channel.</summary>
    public static RuntimeCounterSession? TryStart(int pid, out string? error)
    {
        try
        {
            var provider = new EventPipeProvider("System.Runtime", EventLevel.Informational, 0,
                new Dictionary<string, string> { ["EventCounterIntervalSec"] = "1" });
            var session = new DiagnosticsClient(pid).StartEventPipeSession([provider], requestRundown: false, circularBufferMB: 16);
            error = null;
            return new RuntimeCounterSession(session);
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or IOException or TimeoutException)
        {
            error = e.GetType().Name + ": " + e.Message;
            return null;
        }
    }

    /// <summary>
    /// Counter totals over the reports whose interval ended within [from + half an interval, to + half an interval]
    /// (wall clock): bytes allocated, GCs per generation and exceptions, and how many seconds they cover.
    /// </summary>
    public RuntimeCounters Totals(DateTime from, DateTime to)
    {
        lock (_gate)
        {
            var inside = _reports.Where(r => r.Time > from.AddSeconds(r.IntervalSeconds / 2) && r.Time <= to.AddSeconds(r.IntervalSeconds / 2)).ToList();
            double Sum(string name) => inside.Where(r => r.Name == name).Sum(r => r.Value);
            double seconds = inside.Where(r => r.Name == "alloc-rate").Sum(r => r.IntervalSeconds);
            return new RuntimeCounters(seconds, Sum("alloc-rate"), Sum("gen-0-gc-count"), Sum("gen-1-gc-count"), Sum("gen-2-gc-count"),
                Sum("exception-count"), inside.Count(r => r.Name == "alloc-rate"));
        }
    }

    public void Dispose()
    {
        try
        {
            _session.Stop();
        }
        catch (Exception e) when (e is ServerNotAvailableException or IOException or TimeoutException or EndOfStreamException)
        {
            // the server is already gone
        }

        _processing.Wait(TimeSpan.FromSeconds(5));
        _session.Dispose();
    }

    private void OnEvent(TraceEvent e)
    {
        if (e.EventName != "EventCounters" || e.PayloadValue(0) is not IDictionary<string, object> outer
            || outer.TryGetValue("Payload", out var inner) is false || inner is not IDictionary<string, object> payload)
        {
            return;
        }

        var name = payload.TryGetValue("Name", out var n) ? n as string : null;
        if (name is null || !payload.TryGetValue("Increment", out var increment))
        {
            return; // only incrementing counters are summed
        }

        double interval = payload.TryGetValue("IntervalSec", out var i) ? Convert.ToDouble(i, System.Globalization.CultureInfo.InvariantCulture) : 1;
        var report = new CounterReport(e.TimeStamp.ToUniversalTime(), name, Convert.ToDouble(increment, System.Globalization.CultureInfo.InvariantCulture), interval);
        lock (_gate)
        {
            _reports.Add(report);
        }
    }

    private readonly record struct CounterReport(DateTime Time, string Name, double Value, double IntervalSeconds);
}

/// <summary>Runtime counter totals over a measured interval of <see cref="Seconds"/> seconds.</summary>
internal readonly record struct RuntimeCounters(double Seconds, double AllocatedBytes, double Gen0, double Gen1, double Gen2, double Exceptions, int Reports);
