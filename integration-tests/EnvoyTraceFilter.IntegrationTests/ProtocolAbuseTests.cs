using System.Net.Sockets;
using System.Text;
using Envoy.Service.ExtProc.V3;
using EnvoyEmulator;
using EnvoyEmulator.Http2;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;
using Google.Protobuf;
using Grpc.Core;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>One filter on a socket, shared by the abuse tests (each reads only its own counters).</summary>
public sealed class AbuseHostFixture : IAsyncLifetime
{
    public FilterHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await FilterHost.StartAsync(overSocket: true);

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>
/// Hostile and broken ext_proc clients (issue 12, item 2), frame by frame on the raw HTTP/2 transport and with the gRPC
/// client. Each ends only its own stream with a defined gRPC status, or is answered safely; a normal request through
/// the emulator, sent while the abusive stream or connection is still open, is processed.
/// </summary>
public sealed class ProtocolAbuseTests(AbuseHostFixture fixture) : IClassFixture<AbuseHostFixture>
{
    private const int InvalidArgument = 3;
    private const string TraceContext = "4bf92f3577b34da6a3ce929d0e0e4736/17725314949316355921;o=1";

    private FilterHost Host => fixture.Host;

    /// <summary>A normal request through the emulator (its own connections) is processed and translated.</summary>
    private async Task AssertOthersServedAsync()
    {
        var exchange = await Emulation.For(Host).SendAsync(Emulation.Get("api.example.com", ("x-cloud-trace-context", TraceContext))).DefaultTimeout();
        Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", exchange.Upstream!.Get("x-b3-traceid"));
    }

    private static Dictionary<string, byte[]> Mutation(ProcessingResponse answer) =>
        (answer.RequestHeaders?.Response ?? answer.ResponseHeaders?.Response)?.HeaderMutation?.SetHeaders
            .ToDictionary(h => h.Header.Key, h => h.Header.RawValue.ToByteArray()) ?? [];

    private static string Text(byte[] value) => Encoding.UTF8.GetString(value);

    /// <summary>Every value the filter writes is visible ASCII (no CR, LF, NUL, no byte ≥ 0x80) and no name is empty.</summary>
    private static void AssertSafe(Dictionary<string, byte[]> mutation)
    {
        foreach (var (name, value) in mutation)
        {
            Assert.False(string.IsNullOrEmpty(name));
            Assert.All(value, b => Assert.InRange(b, (byte)0x20, (byte)0x7E));
        }
    }

    private async Task<(GrpcCallEnd End, List<ProcessingResponse> Answers)> RunAsync(params byte[][] messages)
    {
        await using var connection = await RawExtProc.ConnectAsync(Host);
        var call = RawExtProc.Start(connection, messages[0]);
        foreach (var message in messages.Skip(1))
        {
            call.Stream!.SendGrpcMessage(message);
        }

        var others = AssertOthersServedAsync();
        var result = await RawExtProc.EndAsync(call);
        await others;
        return result;
    }

    [Fact]
    public async Task Response_headers_before_request_headers_is_answered_with_its_own_arm_and_no_mutation()
    {
        await using var connection = await RawExtProc.ConnectAsync(Host);
        var call = RawExtProc.Start(connection, RawExtProc.ResponseHeaders());

        var answer = await RawExtProc.AnswerAsync(call);
        await AssertOthersServedAsync();

        Assert.Equal(ProcessingResponse.ResponseOneofCase.ResponseHeaders, answer.ResponseCase);
        Assert.Empty(Mutation(answer));
        Assert.Equal((GrpcCallEndKind.Trailers, 0), ((await RawExtProc.EndAsync(call)).End.Kind, call.End!.Status));
    }

    [Theory]
    [InlineData("request_body")]
    [InlineData("response_body")]
    [InlineData("request_trailers")]
    [InlineData("response_trailers")]
    public async Task Unsolicited_body_and_trailer_messages_are_passed_through_with_their_own_arm(string arm)
    {
        var request = arm switch
        {
            "request_body" => new ProcessingRequest { RequestBody = new HttpBody { Body = ByteString.CopyFromUtf8("x"), EndOfStream = true } },
            "response_body" => new ProcessingRequest { ResponseBody = new HttpBody { Body = ByteString.CopyFromUtf8("x"), EndOfStream = true } },
            "request_trailers" => new ProcessingRequest { RequestTrailers = new HttpTrailers() },
            _ => new ProcessingRequest { ResponseTrailers = new HttpTrailers() },
        };
        var expected = arm switch
        {
            "request_body" => ProcessingResponse.ResponseOneofCase.RequestBody,
            "response_body" => ProcessingResponse.ResponseOneofCase.ResponseBody,
            "request_trailers" => ProcessingResponse.ResponseOneofCase.RequestTrailers,
            _ => ProcessingResponse.ResponseOneofCase.ResponseTrailers,
        };
        await using var connection = await RawExtProc.ConnectAsync(Host);
        var call = RawExtProc.Start(connection, request);

        var answer = await RawExtProc.AnswerAsync(call);
        await AssertOthersServedAsync();

        Assert.Equal(expected, answer.ResponseCase);
        call.Stream!.EndStreamAndReset();
    }

    [Fact]
    public async Task Duplicate_request_headers_end_the_stream_with_invalid_argument_and_are_counted()
    {
        using var metrics = Host.Metrics();
        var first = RawExtProc.RequestHeaders().ToByteArray();

        var (end, answers) = await RunAsync(first, first);

        Assert.Single(answers);
        Assert.Equal((GrpcCallEndKind.Trailers, InvalidArgument), (end.Kind, end.Status));
        Assert.Equal("request_headers arrived twice on one ext_proc stream; Envoy opens one stream per HTTP request.", end.Message);
        Assert.Equal(1, metrics.Sum("tracefilter.extproc.protocol_violations", "kind=duplicate_request_headers"));
    }

    [Fact]
    public async Task Empty_message_ends_the_stream_with_invalid_argument_and_is_counted()
    {
        using var metrics = Host.Metrics();

        var (end, answers) = await RunAsync(Array.Empty<byte>());

        Assert.Empty(answers);
        Assert.Equal((GrpcCallEndKind.Trailers, InvalidArgument), (end.Kind, end.Status));
        Assert.Equal("ProcessingRequest carries none of request_headers, response_headers, request_body, response_body, request_trailers, response_trailers.", end.Message);
        Assert.Equal(1, metrics.Sum("tracefilter.extproc.protocol_violations", "kind=empty_request"));
    }

    [Fact]
    public async Task Unknown_fields_are_ignored_and_the_message_answered_normally()
    {
        // Field 999 (varint) and field 1000 (bytes) at the top level and inside a HeaderValue: a newer Envoy's fields.
        byte[] unknown = [0xB8, 0x3E, 0x01, 0xC2, 0x3E, 0x03, (byte)'a', (byte)'b', (byte)'c'];
        var request = RawExtProc.RequestHeaders("api.example.com", ("x-cloud-trace-context", TraceContext));
        var bytes = request.ToByteArray().Concat(unknown).ToArray();
        Assert.Equal(request.RequestHeaders, ProcessingRequest.Parser.ParseFrom(bytes).RequestHeaders); // the extras are unknown fields only

        await using var connection = await RawExtProc.ConnectAsync(Host);
        var call = RawExtProc.Start(connection, bytes);
        var answer = await RawExtProc.AnswerAsync(call);
        await AssertOthersServedAsync();

        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", Text(Mutation(answer)["x-b3-traceid"]));
        call.Stream!.SendGrpcMessage(RawExtProc.ResponseHeaders().ToByteArray().Concat(unknown).ToArray());
        Assert.Equal(ProcessingResponse.ResponseOneofCase.ResponseHeaders, (await RawExtProc.AnswerAsync(call)).ResponseCase);
        Assert.Equal(0, (await RawExtProc.EndAsync(call)).End.Status);
    }

    [Fact]
    public async Task A_thousand_headers_are_answered_within_envoys_header_count_limit()
    {
        using var metrics = Host.Metrics();
        var headers = Enumerable.Range(0, 1000).Select(i => ($"x-h-{i}", "v")).Prepend(("x-cloud-trace-context", TraceContext)).ToArray();

        var (end, answers) = await RunAsync(RawExtProc.RequestHeaders("api.example.com", headers).ToByteArray(), RawExtProc.ResponseHeaders().ToByteArray());

        Assert.Equal((GrpcCallEndKind.Trailers, 0), (end.Kind, end.Status));
        Assert.Equal([ProcessingResponse.ResponseOneofCase.RequestHeaders, ProcessingResponse.ResponseOneofCase.ResponseHeaders], answers.Select(a => a.ResponseCase));
        // 1,005 headers already exceed Envoy's 100: any added header would make Envoy reject the mutation, so none is sent.
        Assert.Empty(Mutation(answers[0]));
        Assert.Equal(1, metrics.Sum("tracefilter.mutation.withheld", "phase=request_headers"));
    }

    [Fact]
    public async Task One_mebibyte_values_beyond_envoys_header_size_limit_are_answered_without_a_mutation()
    {
        using var metrics = Host.Metrics();
        var big = new string('a', 1 << 20);

        var (end, answers) = await RunAsync(RawExtProc.RequestHeaders("api.example.com", ("user-agent", big), ("x-big", big)).ToByteArray(),
            RawExtProc.ResponseHeaders().ToByteArray());

        Assert.Equal((GrpcCallEndKind.Trailers, 0), (end.Kind, end.Status));
        Assert.Empty(Mutation(answers[0])); // 2 MiB of headers is over max_request_headers_kb (60): no header can be added
        Assert.Equal(1, metrics.Sum("tracefilter.mutation.withheld", "phase=request_headers"));
    }

    [Fact]
    public async Task One_mebibyte_values_within_a_raised_limit_are_answered_the_oversized_trace_header_ignored_and_counted()
    {
        // Envoy admits up to 8,192 KiB of request headers when max_request_headers_kb says so.
        await using var host = await FilterHost.StartAsync(overSocket: true,
            new Dictionary<string, string?> { ["TraceFilter:EnvoyLimits:MaxRequestHeadersKb"] = "8192" });
        using var metrics = host.Metrics();
        var big = new string('a', 1 << 20);
        await using var connection = await RawExtProc.ConnectAsync(host);
        var call = RawExtProc.Start(connection, RawExtProc.RequestHeaders("api.example.com",
            ("x-cloud-trace-context", "4bf92f3577b34da6a3ce929d0e0e4736/" + big), ("user-agent", big), ("x-big", big)));

        var mutation = Mutation(await RawExtProc.AnswerAsync(call));
        call.Stream!.EndStreamAndReset();

        AssertSafe(mutation);
        Assert.Equal(32, mutation["x-b3-traceid"].Length);
        Assert.NotEqual("4bf92f3577b34da6a3ce929d0e0e4736", Text(mutation["x-b3-traceid"])); // the malformed header is not continued
        Assert.Equal(1, metrics.Sum("tracefilter.trace_headers.rejected", "format=CloudTrace"));
    }

    [Fact]
    public async Task Non_utf8_bytes_in_raw_value_are_never_written_back()
    {
        using var metrics = Host.Metrics();
        var request = RawExtProc.RequestHeaders("api.example.com");
        byte[] invalid = [0xC3, 0x28, 0xFF, 0xFE, 0x80];
        foreach (var name in new[] { "b3", "x-b3-traceid", "traceparent", "x-amzn-trace-id", "x-cloud-trace-context", "x-forwarded-for", "user-agent" })
        {
            request.RequestHeaders.Headers.Headers.Add(new Envoy.Config.Core.V3.HeaderValue
            {
                Key = name,
                RawValue = ByteString.CopyFrom([.. Encoding.ASCII.GetBytes("4bf92f3577b34da6a3ce929d0e0e4736"), .. invalid]),
            });
        }

        request.RequestHeaders.Headers.Headers[2].RawValue = ByteString.CopyFrom([.. Encoding.ASCII.GetBytes("api."), .. invalid]); // :authority

        var (end, answers) = await RunAsync(request.ToByteArray(), RawExtProc.ResponseHeaders().ToByteArray());

        Assert.Equal((GrpcCallEndKind.Trailers, 0), (end.Kind, end.Status));
        var mutation = Mutation(answers[0]);
        Assert.NotEmpty(mutation);
        AssertSafe(mutation);
        Assert.NotEqual("4bf92f3577b34da6a3ce929d0e0e4736", Text(mutation["x-b3-traceid"]));
        Assert.True(metrics.Sum("tracefilter.trace_headers.rejected") >= 4);
    }

    [Fact]
    public async Task Empty_and_upper_case_header_keys_are_answered_safely()
    {
        // Envoy never sends these (HTTP/2 names are lower case, empty names are refused); a forged client might.
        var (end, answers) = await RunAsync(RawExtProc.RequestHeaders("api.example.com",
            ("", "x"), ("X-Cloud-Trace-Context", TraceContext), ("X-B3-TraceId", "80f198ee56343ba864fe8b2a57d3eff7")).ToByteArray(),
            RawExtProc.ResponseHeaders().ToByteArray());

        Assert.Equal((GrpcCallEndKind.Trailers, 0), (end.Kind, end.Status));
        var mutation = Mutation(answers[0]);
        AssertSafe(mutation);
        Assert.Equal(32, mutation["x-b3-traceid"].Length);
    }

    [Fact]
    public async Task A_stream_reset_in_the_middle_of_a_message_ends_only_that_stream()
    {
        using var metrics = Host.Metrics();
        await using var connection = await RawExtProc.ConnectAsync(Host);
        var call = RawExtProc.StartSilent(connection);
        byte[] partial = [0, 0, 0, 0, 100, 0x0A, 0x02]; // prefix announces 100 bytes, 2 follow
        call.Stream!.SendData(partial);
        await connection.PingAsync().DefaultTimeout();
        call.Stream.Reset(Http2ErrorCode.Cancel);

        await metrics.WaitForAsync(1, "tracefilter.extproc.streams", "end=reset");
        await AssertOthersServedAsync();
        var next = RawExtProc.Start(connection, RawExtProc.RequestHeaders());
        Assert.Equal(ProcessingResponse.ResponseOneofCase.RequestHeaders, (await RawExtProc.AnswerAsync(next)).ResponseCase);
        next.Stream!.EndStreamAndReset();
    }

    [Fact]
    public async Task A_stream_half_closed_in_the_middle_of_a_message_ends_with_invalid_argument_and_is_counted()
    {
        using var metrics = Host.Metrics();
        await using var connection = await RawExtProc.ConnectAsync(Host);
        var call = RawExtProc.StartSilent(connection);
        call.Stream!.SendData([0, 0, 0, 0, 100, 0x0A, 0x02], endStream: true);

        var (end, answers) = await RawExtProc.EndAsync(call);
        await AssertOthersServedAsync();

        Assert.Empty(answers);
        Assert.Equal((GrpcCallEndKind.Trailers, InvalidArgument), (end.Kind, end.Status));
        Assert.Equal("The ext_proc stream ended in the middle of a message.", end.Message);
        Assert.Equal(1, metrics.Sum("tracefilter.extproc.protocol_violations", "kind=incomplete_message"));
    }

    [Fact]
    public async Task Http11_on_the_ext_proc_port_gets_400_and_a_closed_connection_and_the_server_lives_on()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(RawExtProc.EndPoint(Host)).DefaultTimeout();
        var socket = client.GetStream();
        await socket.WriteAsync("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray()).AsTask().DefaultTimeout();
        var received = new MemoryStream();
        await socket.CopyToAsync(received).DefaultTimeout(); // returns at the server's close

        Assert.Equal("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 56\r\n\r\n"
            + "An HTTP/1.x request was sent to an HTTP/2 only endpoint.", Encoding.Latin1.GetString(received.ToArray()));
        await AssertOthersServedAsync();
    }

    [Theory]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u0000\u0000\u0004\u00FF\u00FF\u00FF\u00FF\u00FF\u00FFabcd")] // first frame not SETTINGS
    [InlineData("\u0016\u0003\u0001\u0000\u00A5\u0001\u0000\u0000\u00A1\u0003\u0003 not TLS, only its first bytes")]
    [InlineData("\u0000\u0001\u0002 garbage garbage garbage garbage")]
    public async Task Garbage_on_the_ext_proc_port_never_gets_a_processing_answer_and_the_server_lives_on(string bytes)
    {
        // Kestrel does not always close such a connection at once: it holds it like any idle connection (until
        // Limits.KeepAliveTimeout). What matters here: no answer, and every other stream is served meanwhile.
        using var client = new TcpClient();
        await client.ConnectAsync(RawExtProc.EndPoint(Host)).DefaultTimeout();
        await client.GetStream().WriteAsync(Encoding.Latin1.GetBytes(bytes)).AsTask().DefaultTimeout();

        await AssertOthersServedAsync();
        await AssertOthersServedAsync();
    }

    [Fact]
    public async Task A_message_over_the_receive_limit_ends_with_resource_exhausted_and_is_counted()
    {
        using var metrics = Host.Metrics();

        var (end, answers) = await RunAsync(RawExtProc.RequestHeaders("api.example.com", ("x-big", new string('a', 5 << 20))).ToByteArray());

        Assert.Empty(answers);
        Assert.Equal((GrpcCallEndKind.Trailers, 8), (end.Kind, end.Status)); // RESOURCE_EXHAUSTED
        Assert.Equal("Received message exceeds the maximum configured message size.", end.Message);
        Assert.Equal(1, metrics.Sum("tracefilter.extproc.protocol_violations", "kind=message_too_large"));
    }

    [Fact]
    public async Task Grpc_client_duplicate_request_headers_end_with_invalid_argument()
    {
        var client = new ExternalProcessor.ExternalProcessorClient(Host.Channel);
        using var call = client.Process();
        await call.RequestStream.WriteAsync(RawExtProc.RequestHeaders()).DefaultTimeout();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None).DefaultTimeout());
        await call.RequestStream.WriteAsync(RawExtProc.RequestHeaders()).DefaultTimeout();

        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None)).DefaultTimeout();
        await AssertOthersServedAsync();

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task A_burst_of_2000_concurrent_streams_is_answered_in_full()
    {
        using var metrics = Host.Metrics();
        const int PerConnection = 1000;
        var request = RawExtProc.RequestHeaders("api.example.com", ("b3", "0")).ToByteArray(); // unsampled: nothing to export
        var response = RawExtProc.ResponseHeaders().ToByteArray();
        await using var a = await RawExtProc.ConnectAsync(Host);
        await using var b = await RawExtProc.ConnectAsync(Host);
        var calls = new List<GrpcStreamCall>();
        foreach (var connection in new[] { a, b })
        {
            for (var i = 0; i < PerConnection; i++)
            {
                calls.Add(RawExtProc.Start(connection, request));
            }
        }

        // All 2,000 open at once: each is answered before any is closed.
        var answers = await Task.WhenAll(calls.Select(RawExtProc.AnswerAsync));
        Assert.All(answers, x => Assert.Equal("0", Text(Mutation(x)["x-b3-sampled"])));
        var others = AssertOthersServedAsync();
        foreach (var call in calls)
        {
            call.Stream!.SendGrpcMessage(response);
        }

        var ends = await Task.WhenAll(calls.Select(RawExtProc.EndAsync));
        await others;
        Assert.All(ends, x => Assert.Equal((GrpcCallEndKind.Trailers, 0, 1), (x.End.Kind, x.End.Status, x.Answers.Count)));
        await metrics.WaitForAsync(2 * PerConnection, "tracefilter.extproc.streams", "end=finished");
    }
}
