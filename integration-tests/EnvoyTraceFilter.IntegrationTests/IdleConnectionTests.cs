using System.Diagnostics;
using System.Net.Sockets;
using Envoy.Service.ExtProc.V3;
using EnvoyEmulator;
using EnvoyEmulator.Http2;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;
using Google.Protobuf;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>
/// TraceFilter:IdleTimeout (Kestrel's KeepAliveTimeout): a connection with no open stream is closed after it, also
/// one that sent nothing, part of the HTTP/2 preface, or the preface and SETTINGS and then nothing (issue 12, item
/// 2). A connection carrying a long-lived stream is not idle.
/// </summary>
public sealed class IdleConnectionTests
{
    private const string Timeout = "00:00:01";

    private static Task<FilterHost> StartAsync() =>
        FilterHost.StartAsync(overSocket: true, new Dictionary<string, string?> { ["TraceFilter:IdleTimeout"] = Timeout });

    /// <summary>Reads until the server closes the connection (the end of the stream or a reset).</summary>
    private static async Task ReadUntilClosedAsync(NetworkStream stream)
    {
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer).AsTask().DefaultTimeout() > 0)
            {
            }
        }
        catch (IOException)
        {
            // reset by the server: closed as well
        }
    }

    [Theory]
    [InlineData("nothing", "")]
    [InlineData("half the preface", "PRI * HTTP/2.0\r\n")]
    [InlineData("the preface and SETTINGS", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\u0000\u0000\u0000\u0004\u0000\u0000\u0000\u0000\u0000")]
    public async Task A_connection_that_sends_only_this_is_closed_after_the_idle_timeout(string what, string bytes)
    {
        _ = what;
        await using var host = await StartAsync();
        using var ends = new ConnectionEnds(host);
        using var client = new TcpClient();
        await client.ConnectAsync(RawExtProc.EndPoint(host)).DefaultTimeout();
        var stream = client.GetStream();
        var opened = Stopwatch.StartNew();
        await stream.WriteAsync(System.Text.Encoding.Latin1.GetBytes(bytes)).AsTask().DefaultTimeout();

        await ReadUntilClosedAsync(stream);

        await ends.WaitForAsync("keep_alive_timeout");
        // (The host's own warm-up connection, idle as well, may be closed the same way.)
        Assert.All(ends.Reasons, r => Assert.Equal("keep_alive_timeout", r));
        // Not before the configured timeout (the upper bound is the test timeout: Kestrel's default, 130 s, would fail it).
        Assert.True(opened.Elapsed >= TimeSpan.FromSeconds(0.9), $"closed after {opened.Elapsed}");
        var exchange = await Emulation.For(host).SendAsync(Emulation.Get("api.example.com")).DefaultTimeout();
        Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
    }

    [Fact]
    public async Task An_idle_envoy_connection_gets_goaway_and_one_with_a_long_lived_stream_is_kept()
    {
        await using var host = await StartAsync();
        using var ends = new ConnectionEnds(host);

        // One connection whose only request is finished: idle from then on.
        await using var idle = await RawExtProc.ConnectAsync(host);
        var done = RawExtProc.Start(idle, RawExtProc.RequestHeaders());
        Assert.Equal(ProcessingResponse.ResponseOneofCase.RequestHeaders, (await RawExtProc.AnswerAsync(done)).ResponseCase);
        done.Stream!.SendGrpcMessage(RawExtProc.ResponseHeaders().ToByteArray());
        Assert.Equal(0, (await RawExtProc.EndAsync(done)).End.Status);
        done.Stream.EndStreamAndReset(Http2ErrorCode.Cancel);

        // Another whose request stays open (a long download): request_headers answered, then quiet.
        await using var busy = await RawExtProc.ConnectAsync(host);
        var longLived = RawExtProc.Start(busy, RawExtProc.RequestHeaders());
        Assert.Equal(ProcessingResponse.ResponseOneofCase.RequestHeaders, (await RawExtProc.AnswerAsync(longLived)).ResponseCase);

        // The idle one is told to go away cleanly (Envoy opens a new connection for its next request).
        await idle.Completion.DefaultTimeout();
        Assert.Equal(Http2ErrorCode.NoError, idle.GoAwayCode);
        await ends.WaitForAsync("keep_alive_timeout");

        // The busy one has been quiet for longer than the idle timeout and still carries its stream.
        Assert.False(busy.IsClosed);
        longLived.Stream!.SendGrpcMessage(RawExtProc.ResponseHeaders().ToByteArray());
        Assert.Equal(ProcessingResponse.ResponseOneofCase.ResponseHeaders, (await RawExtProc.AnswerAsync(longLived)).ResponseCase);
        Assert.Equal(0, (await RawExtProc.EndAsync(longLived)).End.Status);
        Assert.All(ends.Reasons, r => Assert.Equal("keep_alive_timeout", r)); // the idle one (and the host's idle warm-up connection)
    }
}
