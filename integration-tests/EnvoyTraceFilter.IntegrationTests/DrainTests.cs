using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using EnvoyEmulator;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>SIGTERM during a burst, and connections retired by age: no request is lost, every span is exported.</summary>
public sealed class DrainTests
{
    [Fact]
    public async Task SigtermMidBurst_NoneBypassedNoneFailed_EverySpanExportedToBoth_ReadyzFalseFirst_Exit0()
    {
        await using var zipkin = await ZipkinCollector.StartAsync();
        using var xray = new XRayDaemon();
        await using var tally = new ExportTally(zipkin, xray);
        await using var filter = await FilterProcess.StartExportingAsync(zipkin, xray, new Dictionary<string, string?>
        {
            ["TraceFilter__Shutdown__DrainDelay"] = "00:00:05",
            ["TraceFilter__Shutdown__GracePeriod"] = "00:00:20",
        });
        // Envoy's own transport: its frames, its reaction to GOAWAY (no new stream on that connection) and its close.
        await using var emulator = Emulation.For(filter);
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(filter.AdminAddress + "/readyz").DefaultTimeout()).StatusCode);

        var exchanges = new ConcurrentBag<EmulatedExchange>();
        var log = new ConcurrentQueue<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var completed = 0;
        var afterDrainStarted = 0;
        var drainStarted = false;
        var stop = new CancellationTokenSource();
        var milestones = new ConcurrentDictionary<int, TaskCompletionSource>();
        TaskCompletionSource Milestone(int n) => milestones.GetOrAdd(n, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

        async Task Worker()
        {
            while (!stop.IsCancellationRequested)
            {
                var startedDuringDrain = Volatile.Read(ref drainStarted);
                var started = clock.ElapsedMilliseconds;
                var exchange = await emulator.SendAsync(Emulation.Get("api.example.com"));
                exchanges.Add(exchange);
                if (exchange.Outcome != ExchangeOutcome.Processed)
                {
                    log.Enqueue($"{exchange.Outcome} {exchange.ServerStatus} started {started} ms, ended {clock.ElapsedMilliseconds} ms");
                }

                var n = Interlocked.Increment(ref completed);
                if (startedDuringDrain)
                {
                    Milestone(-Interlocked.Increment(ref afterDrainStarted)).TrySetResult();
                }

                Milestone(n).TrySetResult();
            }
        }

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(Worker)).ToArray();

        // One stream stays open across GOAWAY: its upstream answers only once the listeners are closing.
        var releaseSlow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = emulator.SendAsync(Emulation.Get("slow.example.com"), async (_, _) =>
        {
            await releaseSlow.Task;
            return new UpstreamResponse { Status = 200 };
        });

        await Milestone(200).Task.DefaultTimeout();
        var drainLogged = filter.WaitForEventAsync(5001);
        var stoppingLogged = filter.WaitForEventAsync(5002);
        filter.Terminate();

        await drainLogged;
        log.Enqueue($"drain started (event 5001 read) at {clock.ElapsedMilliseconds} ms");
        var readyz = await http.GetAsync(filter.AdminAddress + "/readyz").DefaultTimeout();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyz.StatusCode);
        Assert.Equal("draining\n", await readyz.Content.ReadAsStringAsync());
        Volatile.Write(ref drainStarted, true);

        // New streams keep being served during the drain delay; then, as when Kubernetes has removed the pod from
        // the endpoints, Envoy sends no more: after 20 such streams, or at the latest 2 s into the 5 s drain delay
        // (this stands for the endpoint update; the listeners stay open until 5 s).
        await Task.WhenAny(Milestone(-20).Task, Task.Delay(TimeSpan.FromSeconds(2)));
        await stop.CancelAsync();
        await Task.WhenAll(workers).DefaultTimeout();

        await stoppingLogged;
        log.Enqueue($"listeners closing (event 5002 read) at {clock.ElapsedMilliseconds} ms");
        // The admin listener closing shows the server stop has begun; GOAWAY goes out on the ext_proc connection with it.
        await WaitUntilRefusedAsync(filter.AdminPort);
        releaseSlow.SetResult();
        exchanges.Add(await slow.DefaultTimeout());

        Assert.Equal(0, await filter.Exited.WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.True(exchanges.All(e => e.Outcome == ExchangeOutcome.Processed), string.Join('\n', log));
        Assert.True(afterDrainStarted > 0, "no stream was started and served during the drain delay");
        var spanIds = exchanges.Select(e => e.Upstream!.Get("x-b3-spanid")!).ToHashSet();
        Assert.Equal(exchanges.Count, spanIds.Count);
        await tally.WaitForAsync(spanIds.Count);
        Assert.Equal(spanIds.Order(), tally.Zipkin.Keys.Order());
        Assert.Equal(spanIds.Order(), tally.XRay.Keys.Order());
        Assert.All(tally.Zipkin.Values.Concat(tally.XRay.Values), n => Assert.Equal(1, n));

        // The order the drain promises, from the process's own log.
        var order = filter.Events.Select(e => e.GetProperty("EventId").GetInt32()).Where(id => id is >= 5001 and <= 5005).ToList();
        Assert.Equal([5001, 5002, 5003, 5005], order);
        Assert.Equal("", filter.StandardError);
    }

    [Fact]
    public async Task MaxConnectionAge_ConnectionsRetiredWithGoaway_NoRequestLost()
    {
        await using var host = await FilterHost.StartAsync(overSocket: true,
            new Dictionary<string, string?> { ["TraceFilter:MaxConnectionAge"] = "00:00:00.300" });
        using var metrics = host.Metrics();
        // Envoy's transport: after GOAWAY it opens no new stream on the retired connection and dials a new one.
        await using var emulator = Emulation.For(host);
        var twoRetired = metrics.WaitForAsync(2, "tracefilter.extproc.connections.aged");

        // Requests keep flowing (4 at a time) until the server has retired two connections.
        var exchanges = new ConcurrentBag<EmulatedExchange>();
        async Task Worker()
        {
            while (!twoRetired.IsCompleted)
            {
                exchanges.Add(await emulator.SendAsync(Emulation.Get("api.example.com")).DefaultTimeout());
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(Worker))).WaitAsync(TimeSpan.FromSeconds(60));
        // The retired connections take no new stream: the next request runs on a connection dialled after them.
        exchanges.Add(await emulator.SendAsync(Emulation.Get("api.example.com")).DefaultTimeout());

        Assert.Empty(exchanges.Where(e => e.Outcome != ExchangeOutcome.Processed).Select(e => $"{e.Outcome} {e.ServerStatus} sent={e.Sent.Count} received={e.Received.Count}"));
        // Under load, a stream waiting for its response headers carries each close (see MaxConnectionAge).
        Assert.True(metrics.Sum("tracefilter.extproc.connections.aged", "close=stream") >= 2);
        Assert.True(emulator.Stats.UpstreamCxTotal >= 3, $"{emulator.Stats.UpstreamCxTotal} connections opened");
        // Graceful: every stream ran to its normal end, none was reset or faulted by the close.
        Assert.Equal(exchanges.Count, metrics.Sum("tracefilter.extproc.streams", "end=finished"));
    }

    /// <summary>Probes the port until a connection is refused, as a kubelet's probe would see it.</summary>
    private static async Task WaitUntilRefusedAsync(int port)
    {
        using var timeout = new CancellationTokenSource(TaskTimeouts.Default);
        while (true)
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            }
            catch (SocketException)
            {
                return;
            }

            await Task.Delay(20, timeout.Token);
        }
    }
}
