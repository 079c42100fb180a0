using Envoy.Service.ExtProc.V3;
using EnvoyEmulator;
using EnvoyEmulator.Http2;
using Google.Protobuf;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>
/// TraceFilter:ExtProc:FirstMessageTimeout: a stream that opens and never sends is ended with DeadlineExceeded;
/// a stream that has sent its first message is never timed out (Envoy ≤ 1.36 holds it for the whole HTTP request).
/// </summary>
public sealed class FirstMessageTimeoutTests
{
    private const string Timeout = "00:00:00.500";

    [Fact]
    public async Task A_silent_stream_ends_with_deadline_exceeded_and_is_counted_while_other_streams_go_on()
    {
        await using var host = await FilterHost.StartAsync(overSocket: true,
            new Dictionary<string, string?> { ["TraceFilter:ExtProc:FirstMessageTimeout"] = Timeout });
        using var metrics = host.Metrics();
        await using var connection = await RawExtProc.ConnectAsync(host);

        // A long-lived stream on the same connection: request_headers answered, then quiet (a long download).
        var longLived = RawExtProc.Start(connection, RawExtProc.RequestHeaders());
        Assert.Equal(ProcessingResponse.ResponseOneofCase.RequestHeaders, (await RawExtProc.AnswerAsync(longLived)).ResponseCase);

        var silent = RawExtProc.StartSilent(connection);
        var (end, answers) = await RawExtProc.EndAsync(silent);

        Assert.Empty(answers);
        Assert.Equal((GrpcCallEndKind.Trailers, 4), (end.Kind, end.Status)); // DEADLINE_EXCEEDED
        Assert.Equal("No ProcessingRequest within TraceFilter:ExtProc:FirstMessageTimeout (00:00:00.5000000) of opening the stream; Envoy sends request_headers at once.", end.Message);
        Assert.Equal(1, metrics.Sum("tracefilter.extproc.protocol_violations", "kind=first_message_timeout"));
        Assert.Equal(1, metrics.Sum("tracefilter.extproc.streams", "end=first_message_timeout"));

        // The long-lived stream has now been quiet for longer than the timeout and is still served.
        Assert.Null(longLived.End);
        longLived.Stream!.SendGrpcMessage(RawExtProc.ResponseHeaders().ToByteArray());
        Assert.Equal(ProcessingResponse.ResponseOneofCase.ResponseHeaders, (await RawExtProc.AnswerAsync(longLived)).ResponseCase);
        Assert.Equal((GrpcCallEndKind.Trailers, 0), ((await RawExtProc.EndAsync(longLived)).End.Kind, longLived.End!.Status));

        // The connection that carried the silent stream, and the emulator's own, both still work.
        var next = RawExtProc.Start(connection, RawExtProc.RequestHeaders());
        Assert.NotNull((await RawExtProc.AnswerAsync(next)).RequestHeaders.Response.HeaderMutation);
        next.Stream!.EndStreamAndReset();
        var exchange = await Emulation.For(host).SendAsync(Emulation.Get("api.example.com")).DefaultTimeout();
        Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
        Assert.Equal(1, metrics.Sum("tracefilter.extproc.protocol_violations"));
    }

    [Fact]
    public async Task The_first_message_arriving_in_time_is_answered_as_usual()
    {
        await using var host = await FilterHost.StartAsync(overSocket: true,
            new Dictionary<string, string?> { ["TraceFilter:ExtProc:FirstMessageTimeout"] = "00:05:00" });
        await using var connection = await RawExtProc.ConnectAsync(host);

        // HEADERS alone first, the message in a later DATA frame: the wait for the first message is not the message.
        var call = RawExtProc.StartSilent(connection);
        await connection.PingAsync().DefaultTimeout(); // the server has read the HEADERS before the message goes out
        call.Stream!.SendGrpcMessage(RawExtProc.RequestHeaders().ToByteArray());

        Assert.NotNull((await RawExtProc.AnswerAsync(call)).RequestHeaders.Response.HeaderMutation);
        call.Stream!.EndStreamAndReset();
    }
}
