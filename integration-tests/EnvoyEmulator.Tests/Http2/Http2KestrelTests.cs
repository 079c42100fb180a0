using Envoy.Service.ExtProc.V3;
using EnvoyEmulator.Http2;
using EnvoyEmulator.Tests.Infrastructure;
using Google.Protobuf;

namespace EnvoyEmulator.Tests.Http2;

/// <summary>The raw transport against a real Kestrel gRPC server on 127.0.0.1:0.</summary>
public sealed class Http2KestrelTests
{
    private const string Path = "/envoy.service.ext_proc.v3.ExternalProcessor/Process";

    private static readonly byte[] HeaderBlock = HpackEncoder.GrpcRequest("trace_filter", Path,
        [new("x-envoy-internal", "true"), new("x-forwarded-for", "192.0.2.1")]);

    private static ProcessingRequest RequestHeaders(string value = "v") => new()
    {
        RequestHeaders = new HttpHeaders
        {
            Headers = new() { Headers = { new Envoy.Config.Core.V3.HeaderValue { Key = "x-big", RawValue = ByteString.CopyFromUtf8(value) } } },
        },
    };

    private static ProcessingRequest ResponseHeaders() => new() { ResponseHeaders = new HttpHeaders() };

    private static async Task<ProcessingResponse> NextMessageAsync(GrpcStreamCall call)
    {
        var next = await call.Events.ReadAsync().AsTask().Within();
        Assert.True(next.Message is not null, $"expected a message, got {next.End}");
        return ProcessingResponse.Parser.ParseFrom(next.Message);
    }

    [Fact]
    public async Task Whole_call_headers_messages_and_trailers_then_kestrels_reset_after_the_early_finish()
    {
        await using var host = await ExtProcHost.KestrelAsync(Scripts.ContinueThenFinishEarly);
        await using var connection = await Http2Connection.ConnectAsync(host.EndPoint!);
        var call = new GrpcStreamCall();
        Assert.True(call.TryStart(connection, HeaderBlock, RequestHeaders().ToByteArray(), hasFirstMessage: true));

        Assert.Equal(ProcessingResponse.ResponseOneofCase.RequestHeaders, (await NextMessageAsync(call)).ResponseCase);
        call.Stream!.SendGrpcMessage(ResponseHeaders().ToByteArray());
        Assert.Equal(ProcessingResponse.ResponseOneofCase.ResponseHeaders, (await NextMessageAsync(call)).ResponseCase);
        var end = (await call.Events.ReadAsync().AsTask().Within()).End!;

        Assert.Equal(new GrpcCallEnd(GrpcCallEndKind.Trailers, 0, ""), end);
        Assert.Contains(new KeyValuePair<string, string>("content-type", "application/grpc"), call.ResponseHeaders!);
        // Our side is still open, so Kestrel resets its side with NO_ERROR after the trailers.
        Assert.Equal(Http2ErrorCode.NoError, await call.PeerReset.Within());
        var server = await host.Processor.NextCallAsync();
        Assert.Equal("trace_filter", server.Host);
        Assert.Contains(("x-envoy-internal", "true"), server.CallHeaders);
        Assert.DoesNotContain(server.CallHeaders, h => h.Key == "grpc-timeout");
    }

    [Fact]
    public async Task End_stream_then_reset_reaches_the_server_as_a_cancelled_call()
    {
        await using var host = await ExtProcHost.KestrelAsync(Scripts.ContinueAll);
        await using var connection = await Http2Connection.ConnectAsync(host.EndPoint!);
        var call = new GrpcStreamCall();
        Assert.True(call.TryStart(connection, HeaderBlock, RequestHeaders().ToByteArray(), hasFirstMessage: true));
        await NextMessageAsync(call);

        call.Stream!.EndStreamAndReset(Http2ErrorCode.NoError);

        var server = await host.Processor.NextCallAsync();
        await server.Cancelled.Within();
        Assert.Equal(Http2StreamCloseReason.ResetLocally, call.Stream.CloseReason);
        Assert.Equal(0, connection.ActiveStreams);
    }

    [Fact]
    public async Task Flow_control_both_ways_with_messages_larger_than_every_window()
    {
        // The server echoes the 3 MB header value back; our windows are the 65,535-byte minimum, Kestrel's 768 KiB / 1 MiB.
        await using var host = await ExtProcHost.KestrelAsync(Scripts.Answer(r => Responses.RequestHeaders(
            Responses.Set(("x-echo", r.RequestHeaders?.Headers.Headers[0].RawValue.ToStringUtf8() ?? "")))));
        await using var connection = await Http2Connection.ConnectAsync(host.EndPoint!,
            new Http2ConnectionOptions { InitialStreamWindowSize = 65_535, ConnectionWindowSize = 65_535 });
        var value = new string('x', 3 * 1024 * 1024);
        var call = new GrpcStreamCall();
        Assert.True(call.TryStart(connection, HeaderBlock, RequestHeaders(value).ToByteArray(), hasFirstMessage: true));

        var answer = await NextMessageAsync(call);

        Assert.Equal(value, answer.RequestHeaders.Response.HeaderMutation.SetHeaders[0].Header.RawValue.ToStringUtf8());
        Assert.Equal(0, call.Stream!.PendingBytes);
    }

    [Fact]
    public async Task Respects_the_servers_max_concurrent_streams_and_reuses_freed_slots()
    {
        await using var host = await ExtProcHost.KestrelAsync(Scripts.NeverAnswer, k => k.Limits.Http2.MaxStreamsPerConnection = 20);
        await using var connection = await Http2Connection.ConnectAsync(host.EndPoint!);
        Assert.Equal(20, connection.PeerMaxConcurrentStreams);
        var calls = new List<GrpcStreamCall>();
        for (var i = 0; i < 20; i++)
        {
            var call = new GrpcStreamCall();
            Assert.True(call.TryStart(connection, HeaderBlock, RequestHeaders().ToByteArray(), hasFirstMessage: true));
            calls.Add(call);
        }

        Assert.False(new GrpcStreamCall().TryStart(connection, HeaderBlock));
        Assert.Equal(0, connection.AvailableStreams);
        for (var i = 0; i < 20; i++)
        {
            await host.Processor.NextCallAsync(); // every one of them reached the server: none refused
        }

        calls[0].Stream!.Reset(Http2ErrorCode.Cancel);
        Assert.True(new GrpcStreamCall().TryStart(connection, HeaderBlock, RequestHeaders().ToByteArray(), hasFirstMessage: true));
        await host.Processor.NextCallAsync();
    }

    [Fact]
    public async Task Ping_is_acknowledged_and_many_concurrent_calls_share_one_connection()
    {
        await using var host = await ExtProcHost.KestrelAsync(Scripts.ContinueThenFinishEarly);
        await using var connection = await Http2Connection.ConnectAsync(host.EndPoint!);
        await connection.PingAsync().Within();

        var calls = Enumerable.Range(0, 80).Select(_ => new GrpcStreamCall()).ToList();
        Assert.All(calls, c => Assert.True(c.TryStart(connection, HeaderBlock, RequestHeaders().ToByteArray(), hasFirstMessage: true)));
        foreach (var call in calls)
        {
            await NextMessageAsync(call);
            call.Stream!.SendGrpcMessage(ResponseHeaders().ToByteArray());
        }

        foreach (var call in calls)
        {
            await NextMessageAsync(call);
            Assert.Equal(0, (await call.Events.ReadAsync().AsTask().Within()).End!.Status);
        }

        Assert.Equal(80, calls.Select(c => c.Stream!.Id).Distinct().Count());
        Assert.Equal(159, calls.Max(c => c.Stream!.Id));
    }
}
