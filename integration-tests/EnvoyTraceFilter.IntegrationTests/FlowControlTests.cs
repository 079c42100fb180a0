using Envoy.Service.ExtProc.V3;
using EnvoyEmulator;
using EnvoyEmulator.Http2;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;
using Google.Protobuf;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>
/// Clients that stop reading (issue 12, item 2): HTTP/2 flow control (or a full socket) stalls the server's answers.
/// What the server holds for such a connection is bounded by MaxStreamsPerConnection streams, each with its pending
/// answer (under 1 KiB; Kestrel lets a stream buffer at most Limits.MaxResponseBufferSize, 64 KiB). Kestrel closes the
/// connection once an answer has waited on the stream window past its MinResponseDataRate (240 B/s after a 5 s
/// grace); it does not time a wait on the connection window. A silent client, whether its answers are stuck on the
/// connection window or all fitted, is closed by the keep-alive PING it never answers
/// (TraceFilter:KeepAlivePingDelay/Timeout). Other connections are served all along.
/// </summary>
public sealed class FlowControlTests
{
    private static readonly TimeSpan DataRateClose = TimeSpan.FromSeconds(60); // Kestrel's 5 s grace on a loaded machine
    private static readonly byte[] Unsampled = RawExtProc.RequestHeaders("api.example.com", ("b3", "0")).ToByteArray();

    private static async Task AssertOthersServedAsync(FilterHost host)
    {
        var exchange = await Emulation.For(host).SendAsync(Emulation.Get("api.example.com",
            ("x-cloud-trace-context", "4bf92f3577b34da6a3ce929d0e0e4736/1;o=1"))).DefaultTimeout();
        Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", exchange.Upstream!.Get("x-b3-traceid"));
    }

    [Fact]
    public async Task A_client_whose_window_stays_closed_is_disconnected_by_the_response_data_rate_and_others_are_served()
    {
        const int Limit = 50;
        await using var host = await FilterHost.StartAsync(overSocket: true,
            new Dictionary<string, string?> { ["TraceFilter:MaxStreamsPerConnection"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var metrics = host.Metrics();
        using var ends = new ConnectionEnds(host);

        // Reads every frame (acknowledges SETTINGS and PING) but announces a stream window of 0 and never raises it.
        await using var stalled = await Http2Connection.ConnectAsync(RawExtProc.EndPoint(host), new Http2ConnectionOptions { InitialStreamWindowSize = 0 }).DefaultTimeout();
        var calls = Enumerable.Range(0, Limit).Select(_ => RawExtProc.Start(stalled, Unsampled)).ToList();

        // The stream limit holds for stalled streams: the 51st is not allowed, and the filter handled exactly 50.
        Assert.Equal((Limit, 0), (stalled.PeerMaxConcurrentStreams, stalled.AvailableStreams));
        await metrics.WaitForAsync(Limit, "tracefilter.requests");
        Assert.Equal(Limit, metrics.Sum("tracefilter.extproc.active_streams"));
        await AssertOthersServedAsync(host);

        // Kestrel gives up on the answers it cannot send and closes the connection.
        await stalled.Completion.WaitAsync(DataRateClose); // Kestrel aborts it: a reset, not a clean end
        await ends.WaitForAsync("min_response_data_rate", timeout: DataRateClose);
        foreach (var call in calls)
        {
            var first = await call.Events.ReadAsync().AsTask().DefaultTimeout();
            Assert.Null(first.Message); // not one answer got through the closed window
            Assert.Equal(GrpcCallEndKind.ConnectionLost, first.End!.Kind);
        }

        // Everything the connection held is released; the server goes on.
        await metrics.WaitForAsync(Limit + 1, "tracefilter.extproc.streams");
        Assert.Equal(0, metrics.Sum("tracefilter.extproc.active_streams"));
        Assert.Equal(["min_response_data_rate"], ends.Reasons.Where(r => r != "none"));
        await AssertOthersServedAsync(host);
    }

    [Fact]
    public async Task A_client_that_never_reads_and_spends_the_connection_window_is_closed_by_the_keep_alive_ping()
    {
        // 1,000 answers of ~250 bytes overrun the 65,535-byte connection window the client never raises, so the
        // server holds 1,000 streams with answers it cannot send. Kestrel's MinResponseDataRate does not fire on a
        // connection-window wait (measured: 1,000 such answers held for 60 s), but the client is silent, and the
        // PING it never answers closes the connection.
        const int Streams = 1000;
        await using var host = await FilterHost.StartAsync(overSocket: true, new Dictionary<string, string?>
        {
            ["TraceFilter:KeepAlivePingDelay"] = "00:00:01",
            ["TraceFilter:KeepAlivePingTimeout"] = "00:00:01",
        });
        using var metrics = host.Metrics();
        using var ends = new ConnectionEnds(host);
        using var client = await NeverReadingClient.ConnectAsync(host);

        client.StartStreams(Streams, Unsampled);

        await metrics.WaitForAsync(Streams, "tracefilter.requests");
        await AssertOthersServedAsync(host);
        await ends.WaitForAsync("keep_alive_timeout");
        Assert.True(await client.DrainUntilClosedAsync(TaskTimeouts.Default), "the server did not close the stalled connection");
        await metrics.WaitForAsync(Streams + 1, "tracefilter.extproc.streams");
        Assert.Equal(0, metrics.Sum("tracefilter.extproc.active_streams"));
        await AssertOthersServedAsync(host);
    }

    [Fact]
    public async Task A_silent_client_holding_streams_is_closed_by_the_keep_alive_ping_while_an_envoy_that_answers_is_kept()
    {
        await using var host = await FilterHost.StartAsync(overSocket: true, new Dictionary<string, string?>
        {
            ["TraceFilter:KeepAlivePingDelay"] = "00:00:01",
            ["TraceFilter:KeepAlivePingTimeout"] = "00:00:01",
        });
        using var metrics = host.Metrics();
        using var ends = new ConnectionEnds(host);

        // Envoy with a long-lived request: request_headers answered, then quiet (a long download).
        await using var envoy = await RawExtProc.ConnectAsync(host);
        var longLived = RawExtProc.Start(envoy, RawExtProc.RequestHeaders());
        Assert.Equal(ProcessingResponse.ResponseOneofCase.RequestHeaders, (await RawExtProc.AnswerAsync(longLived)).ResponseCase);

        // A client holding 5 streams whose answers fit its window, then silent: nothing is pending, nothing times out
        // but the PING it never answers.
        using var silent = await NeverReadingClient.ConnectAsync(host);
        silent.StartStreams(5, Unsampled);
        await metrics.WaitForAsync(6, "tracefilter.requests");

        await ends.WaitForAsync("keep_alive_timeout");
        Assert.True(await silent.DrainUntilClosedAsync(TaskTimeouts.Default), "the server did not close the silent connection");

        // The Envoy connection was quiet as long, was pinged, answered, and its stream goes on.
        await envoy.PingAsync().DefaultTimeout();
        Assert.True(envoy.PingsReceived >= 1, "the server never pinged the quiet Envoy connection");
        Assert.False(envoy.IsClosed);
        longLived.Stream!.SendGrpcMessage(RawExtProc.ResponseHeaders().ToByteArray());
        Assert.Equal(ProcessingResponse.ResponseOneofCase.ResponseHeaders, (await RawExtProc.AnswerAsync(longLived)).ResponseCase);
        Assert.Equal((GrpcCallEndKind.Trailers, 0), ((await RawExtProc.EndAsync(longLived)).End.Kind, longLived.End!.Status));
        Assert.Equal(["keep_alive_timeout"], ends.Reasons.Where(r => r != "none"));
    }
}
