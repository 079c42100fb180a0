using Envoy.Service.ExtProc.V3;
using EnvoyEmulator.Http2;
using EnvoyEmulator.Tests.Infrastructure;

namespace EnvoyEmulator.Tests;

/// <summary>
/// Where the ext_proc stream ends, version by version, frame by frame (doc §1b "Stream lifecycle": ≤1.36 at the end
/// of the HTTP request, 1.37+ right after the last expected answer; when the server ends first, the router resets).
/// </summary>
public sealed class EndOfStreamTests
{
    private const byte EndStream = 0x1;

    private static Func<UpstreamRequest, CancellationToken, Task<UpstreamResponse>> SlowBody(Task bodySent) =>
        (_, _) => Task.FromResult(new UpstreamResponse { Headers = [("content-length", "5")], Body = "hello", BodySent = bodySent });

    [Fact]
    public async Task Envoy_1_36_writes_headers_with_the_first_message_and_closes_with_end_stream_then_reset_after_the_body()
    {
        await using var server = new RawExtProcServer();
        await using var emulator = server.Emulator(RawExtProcServer.Options());
        var body = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var exchange = emulator.SendAsync(TestOptions.Get(), SlowBody(body.Task));
        await server.AcceptAsync();

        var id = await server.AnswerBothAsync();
        Assert.Equal([(RawH2Peer.Headers, 0x4), (RawH2Peer.Data, 0), (RawH2Peer.Data, 0)],
            server.Frames.Select(f => (f.Type, (int)f.Flags)));

        body.SetResult(); // the response body has gone out: the HTTP request ends, and with it the stream
        var end = await server.NextStreamFrameAsync();
        var reset = await server.NextStreamFrameAsync();
        Assert.Equal((RawH2Peer.Data, EndStream, id, 0), (end.Type, end.Flags, end.StreamId, end.Payload.Length));
        Assert.Equal((RawH2Peer.RstStream, id, (uint)Http2ErrorCode.NoError), (reset.Type, reset.StreamId, reset.Code));
        var x = await exchange.Within();
        Assert.Equal((ExchangeOutcome.Processed, "hello", false), (x.Outcome, x.Downstream.Body, x.Downstream.ResetAfterHeaders));
        Assert.Equal(1, emulator.Stats.StreamsClosed);
    }

    [Theory]
    [InlineData("1.36", ExchangeOutcome.FailOpenSpurious, 1)]
    [InlineData("1.37", ExchangeOutcome.Processed, 0)]
    public async Task A_message_after_the_last_answer_is_spurious_while_1_36_keeps_the_stream_open_for_the_body(
        string version, ExchangeOutcome outcome, int spurious)
    {
        // After its last answer the server sends one more; the body ends only when the server sees Envoy's close.
        ServerCall? seen = null;
        await using var host = await ExtProcHost.KestrelAsync(async call =>
        {
            seen = call;
            await call.WriteAsync(Responses.Continue((await call.ReadAsync())!));
            await call.WriteAsync(Responses.Continue((await call.ReadAsync())!));
            await call.WriteAsync(new ProcessingResponse { ResponseHeaders = new HeadersResponse() });
            await call.ReadAsync();
        });
        var emulator = host.Emulator(TestOptions.Default(version));
        var body = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var exchange = emulator.SendAsync(TestOptions.Get(), SlowBody(body.Task));
        var call = await host.Processor.NextCallAsync();
        _ = call.RequestStreamEnd.Task.ContinueWith(_ => body.TrySetResult(), TaskScheduler.Default);

        var x = await exchange.Within();

        Assert.Equal((outcome, 200, "via_upstream"), (x.Outcome, x.Downstream.Status, x.Downstream.Details));
        Assert.Equal((spurious, spurious), (emulator.Stats.SpuriousMsgsReceived, emulator.Stats.FailureModeAllowed));
        Assert.Equal(2 + spurious, x.Received.Count);
    }

    [Theory]
    [InlineData(false, ExchangeOutcome.LocalReplyError, true, "ext_proc_error_gRPC_error_13{late_failure}", 0)]
    [InlineData(true, ExchangeOutcome.FailOpenError, false, "via_upstream", 1)]
    public async Task Envoy_1_36_handles_a_grpc_error_after_the_last_answer_while_the_body_goes_out(
        bool failOpen, ExchangeOutcome outcome, bool downstreamReset, string details, int allowed)
    {
        await using var server = new RawExtProcServer();
        await using var emulator = server.Emulator(RawExtProcServer.Options() with { FailureModeAllow = failOpen });
        var body = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var exchange = emulator.SendAsync(TestOptions.Get(), SlowBody(body.Task));
        await server.AcceptAsync();
        var id = await server.AnswerBothAsync();

        await server.SendTrailersAsync(id, 13, "late failure");
        // The router resets at once (our request side was still open): RST_STREAM(NO_ERROR), no END_STREAM.
        var reset = await server.NextStreamFrameAsync();
        Assert.Equal((RawH2Peer.RstStream, id, 0u), (reset.Type, reset.StreamId, reset.Code));
        body.SetResult();

        var x = await exchange.Within();
        Assert.Equal((outcome, 200, downstreamReset, details),
            (x.Outcome, x.Downstream.Status, x.Downstream.ResetAfterHeaders, x.Downstream.Details));
        Assert.Equal((1, allowed), (emulator.Stats.StreamsFailed, emulator.Stats.FailureModeAllowed));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task When_the_server_ends_first_the_router_resets_its_side_even_after_the_servers_reset(bool serverResetsToo)
    {
        await using var server = new RawExtProcServer();
        await using var emulator = server.Emulator(RawExtProcServer.Options());
        var body = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var exchange = emulator.SendAsync(TestOptions.Get(), SlowBody(body.Task));
        await server.AcceptAsync();
        var id = await server.AnswerBothAsync();

        // The filter's early finish: OK trailers, then (as Kestrel does) RST_STREAM(NO_ERROR).
        await server.SendTrailersAsync(id, 0);
        if (serverResetsToo)
        {
            await server.SendResetAsync(id, Http2ErrorCode.NoError);
        }

        var reset = await server.NextStreamFrameAsync();
        Assert.Equal((RawH2Peer.RstStream, id, 0u), (reset.Type, reset.StreamId, reset.Code));
        body.SetResult();
        var x = await exchange.Within();
        Assert.Equal(ExchangeOutcome.Processed, x.Outcome);
        Assert.Equal((1, 0), (emulator.Stats.StreamsClosed, emulator.Stats.StreamsFailed));
        // Nothing more on that stream: ext_proc's close() after the server's end writes no END_STREAM.
        await emulator.DisposeAsync();
        Assert.DoesNotContain(await server.Peer.ReadToEndAsync(), f => f.StreamId == id);
    }

    [Fact]
    public async Task Envoy_1_37_closes_right_after_the_last_answer_before_the_body_has_gone_out()
    {
        await using var server = new RawExtProcServer();
        await using var emulator = server.Emulator(RawExtProcServer.Options("1.37"));
        var closeSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var exchange = emulator.SendAsync(TestOptions.Get(), SlowBody(closeSeen.Task));
        await server.AcceptAsync();
        var id = await server.AnswerBothAsync();

        var end = await server.NextStreamFrameAsync();
        var reset = await server.NextStreamFrameAsync();
        closeSeen.SetResult(); // the body could only end because the close came first

        Assert.Equal((RawH2Peer.Data, EndStream, id), (end.Type, end.Flags, end.StreamId));
        Assert.Equal((RawH2Peer.RstStream, id, 0u), (reset.Type, reset.StreamId, reset.Code));
        Assert.Equal(ExchangeOutcome.Processed, (await exchange.Within()).Outcome);
    }
}
