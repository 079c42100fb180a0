using System.Diagnostics;
using EnvoyTraceFilter.Load.Measurement;

namespace EnvoyTraceFilter.Load;

/// <summary>One load run: connect, warm up, measure a window (closed or open loop), stop, report.</summary>
internal static class LoadRun
{
    public static RunResult Execute(LoadOptions options, RequestProfile profile)
    {
        var window = new MeasureWindow();
        // The address Envoy puts in the x-forwarded-for of its own gRPC calls.
        var headerBlock = new GrpcRequestHeaderBlock(options.Authority, "10.0.0.2");
        string? counterError = null;
        using var counters = options.ServerPid > 0 ? RuntimeCounterSession.TryStart(options.ServerPid, out counterError) : null;
        var connections = new ExtProcConnection[options.Connections];
        var dispatcherMeter = new LoadMeter();
        try
        {
            for (int i = 0; i < connections.Length; i++)
            {
                connections[i] = new ExtProcConnection(options.Target, profile, headerBlock, window, options.Close, options.MessageTimeout);
                WarmOne(connections[i]);
            }

            var stop = new CancellationTokenSource();
            Thread? dispatcher = null;
            if (options.Rate <= 0)
            {
                StartClosedLoop(connections, options.Concurrency, stop.Token);
            }
            else
            {
                dispatcher = new Thread(() => RunOpenLoop(connections, options, dispatcherMeter, window, stop.Token)) { IsBackground = true, Name = "dispatcher" };
                dispatcher.Start();
            }

            Thread.Sleep(options.Warmup);
            long start = Stopwatch.GetTimestamp();
            long end = start + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
            window.Open(start, end);
            var wallStart = DateTime.UtcNow;
            var cpu0 = CpuSample.Take(options.ServerPid);
            Thread.Sleep(options.Duration);
            var cpu1 = CpuSample.Take(options.ServerPid);
            var wallEnd = DateTime.UtcNow;
            double seconds = (Stopwatch.GetTimestamp() - start) / (double)Stopwatch.Frequency;
            stop.Cancel();
            dispatcher?.Join();
            var drainDeadline = Stopwatch.GetTimestamp() + 2 * Stopwatch.Frequency;
            while (connections.Any(c => c.OpenStreams > 0) && Stopwatch.GetTimestamp() < drainDeadline)
            {
                Thread.Sleep(10);
            }

            foreach (var connection in connections)
            {
                connection.Dispose();
            }

            var meter = new LoadMeter();
            meter.Add(dispatcherMeter);
            foreach (var connection in connections)
            {
                meter.Add(connection.Meter);
            }

            var result = Report(options, profile, meter, seconds, cpu0, cpu1);
            if (options.ServerPid > 0)
            {
                result.ServerPeakRssMiB = ProcFs.PeakRssKiB(options.ServerPid) is { } kib ? Math.Round(kib / 1024.0, 1) : null;
            }

            if (counters is not null && result.Completed > 0)
            {
                // The report covering the window's last second arrives up to a second later.
                Thread.Sleep(TimeSpan.FromSeconds(1.6));
                var totals = counters.Totals(wallStart, wallEnd);
                if (totals.Seconds > 0)
                {
                    double perSecond = result.Rps;
                    result.ServerAllocBytesPerRequest = Math.Round(totals.AllocatedBytes / totals.Seconds / perSecond, 0);
                    result.ServerExceptionsPerRequest = Math.Round(totals.Exceptions / totals.Seconds / perSecond, 3);
                    result.ServerGcCount = totals.Gen0;
                    result.ServerGen1Count = totals.Gen1;
                    result.ServerGen2Count = totals.Gen2;
                    result.CounterSeconds = totals.Seconds;
                }
                else
                {
                    result.CounterError = "no counter reports inside the window";
                }
            }
            else if (options.ServerPid > 0 && counters is null)
            {
                result.CounterError = counterError;
            }

            return result;
        }
        finally
        {
            foreach (var connection in connections)
            {
                connection?.Dispose();
            }
        }
    }

    /// <summary>One request per connection before the clock starts: opens it, fills the server's HPACK table, proves it answers.</summary>
    private static void WarmOne(ExtProcConnection connection)
    {
        using var done = new ManualResetEventSlim();
        if (!connection.Start(0, Stopwatch.GetTimestamp(), done.Set) || !done.Wait(TimeSpan.FromSeconds(10)))
        {
            throw new InvalidOperationException("the first request got no answer within 10 s");
        }

        if (connection.Failed > 0)
        {
            throw new InvalidOperationException("the first request failed: " + connection.LastError);
        }
    }

    private static void StartClosedLoop(ExtProcConnection[] connections, int concurrency, CancellationToken stop)
    {
        for (int worker = 0; worker < concurrency; worker++)
        {
            var connection = connections[worker % connections.Length];
            int sequence = worker;
            Action? next = null;
            next = () =>
            {
                if (!stop.IsCancellationRequested)
                {
                    sequence += concurrency;
                    connection.Start(sequence, Stopwatch.GetTimestamp(), next);
                }
            };
            connection.Start(sequence, Stopwatch.GetTimestamp(), next);
        }
    }

    /// <summary>
    /// Open loop: request i is due at start + i / rate, sent when due whatever the server is doing (no coordinated
    /// omission), and its latency counts from the due time, so a stalled dispatcher or server shows as latency.
    /// </summary>
    private static void RunOpenLoop(ExtProcConnection[] connections, LoadOptions options, LoadMeter meter, MeasureWindow window, CancellationToken stop)
    {
        double interval = Stopwatch.Frequency / options.Rate;
        long origin = Stopwatch.GetTimestamp();
        long index = 0;
        while (!stop.IsCancellationRequested)
        {
            long due = origin + (long)(index * interval);
            OpenLoopClock.SleepUntil(due);
            long now = Stopwatch.GetTimestamp();
            // Everything due by now goes out (after a late wake-up, several at once).
            while (due <= now && !stop.IsCancellationRequested)
            {
                var connection = connections[index % connections.Length];
                int inFlight = 0;
                foreach (var c in connections)
                {
                    inFlight += c.OpenStreams;
                }

                bool sent = inFlight < options.MaxInFlight && connection.Start((int)(index & int.MaxValue), due, onDone: null);
                if (!sent && window.IsOpen(now))
                {
                    meter.Error(inFlight >= options.MaxInFlight ? "in_flight_cap" : "connection_closed");
                }

                index++;
                due = origin + (long)(index * interval);
            }
        }
    }

    private static RunResult Report(LoadOptions o, RequestProfile profile, LoadMeter meter, double seconds, CpuSample cpu0, CpuSample cpu1)
    {
        long completed = meter.Total.Count;
        var result = new RunResult
        {
            Label = o.Label,
            Mode = o.Rate > 0 ? "open" : "closed",
            Connections = o.Connections,
            Concurrency = o.Rate > 0 ? 0 : o.Concurrency,
            Rate = o.Rate,
            Profile = profile.Name,
            Close = o.Close.ToString().ToLowerInvariant(),
            Seconds = Math.Round(seconds, 2),
            Completed = completed,
            Rps = Math.Round(completed / seconds, 0),
            ErrorCount = meter.Errors.Values.Sum(),
            Errors = meter.Errors,
            PhasesOverMessageTimeout = meter.PhasesOverMessageTimeout,
            ReqP50Us = meter.RequestPhase.PercentileMicros(50),
            ReqP90Us = meter.RequestPhase.PercentileMicros(90),
            ReqP99Us = meter.RequestPhase.PercentileMicros(99),
            ReqP999Us = meter.RequestPhase.PercentileMicros(99.9),
            RespP50Us = meter.ResponsePhase.PercentileMicros(50),
            RespP90Us = meter.ResponsePhase.PercentileMicros(90),
            RespP99Us = meter.ResponsePhase.PercentileMicros(99),
            RespP999Us = meter.ResponsePhase.PercentileMicros(99.9),
            TotalP50Us = meter.Total.PercentileMicros(50),
            TotalP90Us = meter.Total.PercentileMicros(90),
            TotalP99Us = meter.Total.PercentileMicros(99),
            TotalP999Us = meter.Total.PercentileMicros(99.9),
            TotalMaxUs = meter.Total.Count == 0 ? null : Math.Round(meter.Total.Max * 1e6 / Stopwatch.Frequency, 0),
        };
        if (completed > 0)
        {
            double microsPerTick = 1e6 / ProcFs.TicksPerSecond;
            if (o.ServerPid > 0)
            {
                result.ServerCpuUsPerRequest = Math.Round((cpu1.Server - cpu0.Server) * microsPerTick / completed, 1);
                result.ServerCores = Math.Round((cpu1.Server - cpu0.Server) / ProcFs.TicksPerSecond / seconds, 2);
                // Busy time of the whole machine not spent by the server or this client: other tenants.
                result.OtherCores = Math.Round(((cpu1.MachineBusy - cpu0.MachineBusy) - (cpu1.Server - cpu0.Server) - (cpu1.Self - cpu0.Self))
                    / ProcFs.TicksPerSecond / seconds, 2);
            }

            result.ClientCpuUsPerRequest = Math.Round((cpu1.Self - cpu0.Self) * microsPerTick / completed, 1);
        }

        return result;
    }
}
