using Envoy.Extensions.Filters.Http.ExtProc.V3;
using EnvoyEmulator.Tests.Infrastructure;
using Grpc.Core;

namespace EnvoyEmulator.Tests;

/// <summary>
/// How the stream ends (doc §1b "How Envoy closes", performance-baseline §4.1), over a real h2c socket on
/// 127.0.0.1:0 so that half-close and RST_STREAM are real HTTP/2 frames.
/// </summary>
public sealed class CloseTests
{
    [Fact]
    public async Task Kestrel_socket_exchange_uses_cluster_authority()
    {
        await using var host = await ExtProcHost.KestrelAsync();
        var emulator = host.Emulator();
        var x = await emulator.SendAsync(TestOptions.Get()).Within();

        Assert.Equal((ExchangeOutcome.Processed, 200), (x.Outcome, x.Downstream.Status));
        var call = await host.Processor.NextCallAsync();
        Assert.Equal("trace_filter", call.Host);
        Assert.Equal(2, call.Received.Count);
    }

    [Fact]
    public async Task Default_close_is_half_close_then_reset()
    {
        await using var host = await ExtProcHost.KestrelAsync(async call =>
        {
            await Scripts.ContinueAll(call);
            await call.Cancelled.Within(); // a graceful close would leave the call open here
        });
        var emulator = host.Emulator();
        var x = await emulator.SendAsync(TestOptions.Get()).Within();

        var call = await host.Processor.NextCallAsync();
        await call.Cancelled.Within();
        Assert.Contains(await call.RequestStreamEnd.Task.Within(), new[] { "half-close", "reset" });
        Assert.Null(x.ServerStatus); // Envoy did not wait for the server's trailers
        Assert.Equal((1, 0), (emulator.Stats.StreamsClosed, emulator.Stats.StreamsFailed));
    }

    [Fact]
    public async Task Graceful_close_half_closes_and_waits_for_the_server()
    {
        await using var host = await ExtProcHost.KestrelAsync(Scripts.ContinueAll);
        var x = await host.Emulator(TestOptions.Default() with { CloseStyle = CloseStyle.Graceful })
            .SendAsync(TestOptions.Get()).Within();

        var call = await host.Processor.NextCallAsync();
        Assert.Equal("half-close", await call.RequestStreamEnd.Task.Within());
        await call.Finished.Task.Within();
        Assert.Equal(StatusCode.OK, x.ServerStatus!.Value.StatusCode);
        Assert.False(call.Cancelled.IsCompleted);
    }

    [Fact]
    public async Task Envoy_1_37_closes_right_after_the_last_expected_answer()
    {
        await using var host = await ExtProcHost.KestrelAsync(async call =>
        {
            await Scripts.ContinueAll(call);
            await call.Cancelled.Within();
        });
        var mode = EmulatorOptions.DefaultProcessingMode();
        mode.ResponseHeaderMode = ProcessingMode.Types.HeaderSendMode.Skip;
        var emulator = host.Emulator(TestOptions.Default("1.37") with { ProcessingMode = mode });
        string? endSeenByUpstream = null;
        var x = await emulator.SendAsync(TestOptions.Get(), async (_, _) =>
        {
            // The stream must already be closing while the application still works on the request.
            var call = await host.Processor.NextCallAsync();
            endSeenByUpstream = await call.RequestStreamEnd.Task.Within();
            return UpstreamResponse.Ok();
        }).Within();

        Assert.Equal(ExchangeOutcome.Processed, x.Outcome);
        Assert.NotNull(endSeenByUpstream);
        Assert.Equal(1, emulator.Stats.StreamsClosed);
    }

    [Fact]
    public async Task Concurrent_requests_use_one_stream_each_and_stats_accumulate()
    {
        await using var host = await ExtProcHost.KestrelAsync(Scripts.ContinueThenFinishEarly);
        var emulator = host.Emulator();
        var exchanges = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => emulator.SendAsync(TestOptions.Get()))).Within();

        Assert.All(exchanges, x => Assert.Equal(ExchangeOutcome.Processed, x.Outcome));
        Assert.Equal((8, 16, 16, 8, 0), (emulator.Stats.StreamsStarted, emulator.Stats.StreamMsgsSent,
            emulator.Stats.StreamMsgsReceived, emulator.Stats.StreamsClosed, emulator.Stats.SpuriousMsgsReceived));
    }
}
