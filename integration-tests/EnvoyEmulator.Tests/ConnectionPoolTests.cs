using EnvoyEmulator.Tests.Infrastructure;

namespace EnvoyEmulator.Tests;

/// <summary>
/// Envoy's connections to the ext_proc cluster: one HTTP/2 connection per worker, another one past 1024 streams (or
/// the server's SETTINGS_MAX_CONCURRENT_STREAMS), and the cluster circuit breaker (max_requests 1024) failing open.
/// </summary>
public sealed class ConnectionPoolTests
{
    /// <summary>Holds every call at its first message until <paramref name="release"/> completes, then continues all.</summary>
    private static Func<ServerCall, Task> HeldUntil(Task release, Action arrived) => async call =>
    {
        var first = await call.ReadAsync();
        arrived();
        await release;
        if (first is not null)
        {
            await call.WriteAsync(Responses.Continue(first));
            await Scripts.ContinueThenFinishEarly(call);
        }
    };

    private static (Task Gate, TaskCompletionSource Release, Action Arrived) Gate(int expected)
    {
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var count = 0;
        return (all.Task, release, () =>
        {
            if (Interlocked.Increment(ref count) == expected)
            {
                all.TrySetResult();
            }
        });
    }

    private static async Task<List<ServerCall>> CallsAsync(ExtProcHost host, int count)
    {
        var calls = new List<ServerCall>();
        for (var i = 0; i < count; i++)
        {
            calls.Add(await host.Processor.NextCallAsync());
        }

        return calls;
    }

    [Fact]
    public async Task Two_thousand_concurrent_requests_past_the_circuit_breaker_bypass_the_filter_and_are_counted()
    {
        var (arrivedAll, release, arrived) = Gate(1024);
        await using var host = await ExtProcHost.KestrelAsync(HeldUntil(release.Task, arrived),
            k => k.Limits.Http2.MaxStreamsPerConnection = 4096);
        var emulator = host.Emulator(TestOptions.Default() with { MessageTimeout = TimeSpan.FromSeconds(60) });

        var exchanges = Enumerable.Range(0, 2000).Select(_ => emulator.SendAsync(TestOptions.Get())).ToList();
        await arrivedAll.WaitAsync(TimeSpan.FromSeconds(60)); // 1024 streams open at the server (slow on a loaded machine); 976 found the breaker open
        Assert.Equal(976, exchanges.Count(x => x.IsCompleted));
        release.SetResult();
        var results = await Task.WhenAll(exchanges).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1024, results.Count(x => x.Outcome == ExchangeOutcome.Processed));
        var bypassed = results.Where(x => x.Outcome == ExchangeOutcome.FailOpenError).ToList();
        Assert.Equal(976, bypassed.Count);
        Assert.All(bypassed, x =>
        {
            Assert.Equal((200, "via_upstream"), (x.Downstream.Status, x.Downstream.Details));
            Assert.Empty(x.Sent); // nothing reached the server
            Assert.Null(x.Upstream!.Headers.Get("x-b3-traceid"));
        });
        Assert.Equal(976, emulator.Stats.UpstreamRqPendingOverflow);
        Assert.Equal((1024, 976, 976), (emulator.Stats.StreamsStarted, emulator.Stats.StreamsFailed, emulator.Stats.FailureModeAllowed));
        // One connection per worker (2), each far below 1024 streams.
        Assert.Equal(2, emulator.Stats.UpstreamCxTotal);
        var calls = await CallsAsync(host, 1024);
        Assert.Equal(2, calls.Select(c => c.ConnectionId).Distinct().Count());
    }

    [Fact]
    public async Task Fail_closed_overflow_answers_500_with_the_grpc_unavailable_details()
    {
        var (arrivedAll, release, arrived) = Gate(1);
        await using var host = await ExtProcHost.KestrelAsync(HeldUntil(release.Task, arrived));
        var emulator = host.Emulator(TestOptions.Default() with { ClusterMaxRequests = 1, FailureModeAllow = false });
        var held = emulator.SendAsync(TestOptions.Get());
        await arrivedAll.WaitAsync(TimeSpan.FromSeconds(60)); // generous: a loaded machine is slow to open many streams

        var x = await emulator.SendAsync(TestOptions.Get()).Within();
        release.SetResult();

        Assert.Equal((ExchangeOutcome.LocalReplyError, 500), (x.Outcome, x.Downstream.Status));
        Assert.Equal("ext_proc_error_gRPC_error_14{upstream_connect_error_or_disconnect/reset_before_headers._reset_reason:_overflow}",
            x.Downstream.Details);
        Assert.Equal(ExchangeOutcome.Processed, (await held.Within()).Outcome);
        Assert.Equal((1, 1, 0), (emulator.Stats.UpstreamRqPendingOverflow, emulator.Stats.StreamsFailed, emulator.Stats.FailureModeAllowed));
    }

    [Fact]
    public async Task A_worker_opens_another_connection_past_1024_concurrent_streams()
    {
        var (arrivedAll, release, arrived) = Gate(1500);
        await using var host = await ExtProcHost.KestrelAsync(HeldUntil(release.Task, arrived),
            k => k.Limits.Http2.MaxStreamsPerConnection = 4096);
        var emulator = host.Emulator(TestOptions.Default() with
        {
            Workers = 1, ClusterMaxRequests = 4096, MessageTimeout = TimeSpan.FromSeconds(60),
        });

        var exchanges = Enumerable.Range(0, 1500).Select(_ => emulator.SendAsync(TestOptions.Get())).ToList();
        await arrivedAll.WaitAsync(TimeSpan.FromSeconds(60)); // generous: a loaded machine is slow to open many streams
        var perConnection = (await CallsAsync(host, 1500)).GroupBy(c => c.ConnectionId).Select(g => g.Count()).Order().ToList();
        release.SetResult();
        var results = await Task.WhenAll(exchanges).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal([476, 1024], perConnection);
        Assert.Equal(2, emulator.Stats.UpstreamCxTotal);
        Assert.All(results, x => Assert.Equal(ExchangeOutcome.Processed, x.Outcome));
    }

    [Fact]
    public async Task The_servers_lower_max_concurrent_streams_is_respected_so_no_stream_is_refused()
    {
        // Kestrel's default MaxStreamsPerConnection is 100.
        var (arrivedAll, release, arrived) = Gate(250);
        await using var host = await ExtProcHost.KestrelAsync(HeldUntil(release.Task, arrived));
        var emulator = host.Emulator(TestOptions.Default() with { Workers = 1, MessageTimeout = TimeSpan.FromSeconds(60) });

        var exchanges = Enumerable.Range(0, 250).Select(_ => emulator.SendAsync(TestOptions.Get())).ToList();
        await arrivedAll.WaitAsync(TimeSpan.FromSeconds(60)); // generous: a loaded machine is slow to open many streams
        var perConnection = (await CallsAsync(host, 250)).GroupBy(c => c.ConnectionId).Select(g => g.Count()).Order().ToList();
        release.SetResult();
        var results = await Task.WhenAll(exchanges).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal([50, 100, 100], perConnection);
        Assert.All(results, x => Assert.Equal(ExchangeOutcome.Processed, x.Outcome));
        Assert.Equal((3, 0), (emulator.Stats.UpstreamCxTotal, emulator.Stats.StreamsFailed));
    }

    [Theory]
    [InlineData(true, ExchangeOutcome.FailOpenError, 200, "via_upstream")]
    [InlineData(false, ExchangeOutcome.LocalReplyError, 500,
        "ext_proc_error_gRPC_error_14{upstream_connect_error_or_disconnect/reset_before_headers._reset_reason:_connection_failure}")]
    public async Task Connection_refused_fails_the_stream_with_the_routers_unavailable(
        bool failOpen, ExchangeOutcome outcome, int status, string details)
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var endPoint = (System.Net.IPEndPoint)listener.LocalEndpoint;
        listener.Stop(); // nothing listens there any more
        await using var emulator = new EnvoyExtProcEmulator(endPoint, TestOptions.Default() with { FailureModeAllow = failOpen });

        var x = await emulator.SendAsync(TestOptions.Get()).Within();

        Assert.Equal((outcome, status, details), (x.Outcome, x.Downstream.Status, x.Downstream.Details));
        Assert.Equal((1, 0), (emulator.Stats.StreamsFailed, emulator.Stats.UpstreamCxTotal));
    }

    [Fact]
    public async Task Each_worker_keeps_one_connection_for_sequential_requests()
    {
        await using var host = await ExtProcHost.KestrelAsync(Scripts.ContinueThenFinishEarly);
        var emulator = host.Emulator(TestOptions.Default() with { Workers = 3 });
        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(ExchangeOutcome.Processed, (await emulator.SendAsync(TestOptions.Get()).Within()).Outcome);
        }

        Assert.Equal(3, emulator.Stats.UpstreamCxTotal);
        Assert.Equal([1, 1, 1], emulator.ConnectionsPerWorker);
        Assert.Equal(3, (await CallsAsync(host, 12)).Select(c => c.ConnectionId).Distinct().Count());
    }
}
