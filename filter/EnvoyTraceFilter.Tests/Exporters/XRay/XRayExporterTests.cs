using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using EnvoyTraceFilter.Core.XRay;
using EnvoyTraceFilter.Exporters.XRay;

namespace EnvoyTraceFilter.Tests.Exporters.XRay;

public sealed class XRayExporterTests
{
    [Fact]
    public async Task Sends_one_datagram_per_span_to_the_daemon_socket()
    {
        using var daemon = new FakeDaemon();
        await using var harness = new XRayExporterHarness(XRayExporterHarness.Options(daemon.Port));
        await harness.Exporter.StartAsync(CancellationToken.None);
        var span = TestSpans.Fresh();

        Assert.Equal(XRayExportResult.Exported, await harness.ExportAsync(span));
        var (header, doc) = await daemon.ReceiveAsync();

        Assert.Equal("{\"format\": \"json\", \"version\": 1}\n", header);
        Assert.Equal(["end_time", "http", "id", "name", "parent_id", "start_time", "trace_id"],
            doc.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("shop", doc.GetProperty("name").GetString());
        Assert.Equal("53995c3f42cd8ad8", doc.GetProperty("id").GetString());
        Assert.Equal(TestSpans.XRayTraceId(span.TraceId), doc.GetProperty("trace_id").GetString());
        Assert.Equal("0123456789abcdef", doc.GetProperty("parent_id").GetString());
        Assert.Equal(1700000000.123456m, doc.GetProperty("start_time").GetDecimal());
        Assert.Equal(1700000000.234567m, doc.GetProperty("end_time").GetDecimal());
        var request = doc.GetProperty("http").GetProperty("request");
        Assert.Equal("GET", request.GetProperty("method").GetString());
        Assert.Equal("https://shop/x", request.GetProperty("url").GetString());
        Assert.Equal("203.0.113.9", request.GetProperty("client_ip").GetString());
        Assert.True(request.GetProperty("x_forwarded_for").GetBoolean());
        var response = doc.GetProperty("http").GetProperty("response");
        Assert.Equal(200, response.GetProperty("status").GetInt32());
        Assert.Equal(42, response.GetProperty("content_length").GetInt64());
        Assert.Equal((1, 0, 0), (harness.Exporter.Exported, harness.Exporter.Dropped, harness.Exporter.Failed));
    }

    [Fact]
    public async Task Dns_named_daemon_is_resolved_off_the_request_path_and_used()
    {
        using var daemon = new FakeDaemon();
        await using var harness = new XRayExporterHarness(new XRayExporterOptions { DaemonAddress = $"localhost:{daemon.Port}" });
        await harness.Exporter.StartAsync(CancellationToken.None);

        Assert.Equal(XRayExportResult.Exported, await harness.ExportAsync(TestSpans.Fresh(name: "via-dns")));

        Assert.Equal("via-dns", (await daemon.ReceiveAsync()).Document.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Full_queue_refuses_promptly_and_counts_without_blocking()
    {
        // Never started: nothing drains the queue, so it stays full deterministically.
        await using var harness = new XRayExporterHarness(new XRayExporterOptions { QueueCapacity = 2 });
        using var listener = harness.ListenToMetrics();

        Assert.True(harness.Exporter.TryEnqueue(TestSpans.Fresh()));
        Assert.True(harness.Exporter.TryEnqueue(TestSpans.Fresh()));
        var watch = Stopwatch.StartNew();
        Assert.False(harness.Exporter.TryEnqueue(TestSpans.Fresh()));
        Assert.False(harness.Exporter.TryEnqueue(TestSpans.Fresh()));
        watch.Stop();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"TryEnqueue took {watch.Elapsed}");
        Assert.Equal(2, harness.Exporter.Count(XRayExportResult.DroppedQueueFull));
        Assert.Equal(2, harness.Exporter.Dropped);
        Assert.Equal(2, listener.Total("dropped_queue_full"));
    }

    [Fact]
    public async Task Dead_daemon_never_reaches_the_caller_and_failures_are_counted()
    {
        int deadPort;
        using (var probe = new FakeDaemon())
        {
            deadPort = probe.Port;
        }

        await using var harness = new XRayExporterHarness(XRayExporterHarness.Options(deadPort));
        await harness.Exporter.StartAsync(CancellationToken.None);

        // ICMP port-unreachable surfaces on a later send of the connected socket; a bounded number of spans
        // is enough for it to show, each awaited through the result hook rather than a sleep.
        var sent = 0;
        while (harness.Exporter.Failed == 0 && sent < 50)
        {
            Assert.True(harness.Exporter.TryEnqueue(TestSpans.Fresh()));
            await harness.NextResultAsync();
            sent++;
        }

        Assert.True(harness.Exporter.Failed >= 1);
        Assert.Equal(sent, harness.Exporter.Exported + harness.Exporter.Failed);
        Assert.Equal(0, harness.Exporter.Dropped);
    }

    [Fact]
    public async Task Foreign_trace_id_is_dropped_and_counted_under_the_default_policy()
    {
        using var daemon = new FakeDaemon();
        await using var harness = new XRayExporterHarness(XRayExporterHarness.Options(daemon.Port));
        using var listener = harness.ListenToMetrics();
        await harness.Exporter.StartAsync(CancellationToken.None);

        Assert.Equal(XRayExportResult.DroppedIncompatibleId, await harness.ExportAsync(TestSpans.Foreign()));
        Assert.Equal(XRayExportResult.Exported, await harness.ExportAsync(TestSpans.Fresh(name: "after")));

        // Loopback UDP keeps order: the first datagram to arrive is the compatible one.
        Assert.Equal("after", (await daemon.ReceiveAsync()).Document.GetProperty("name").GetString());
        Assert.Equal(1, harness.Exporter.Count(XRayExportResult.DroppedIncompatibleId));
        Assert.Equal(1, listener.Total("dropped_incompatible_id"));
        Assert.Equal(1, listener.Total("exported"));
    }

    [Fact]
    public async Task Passthrough_policy_sends_foreign_ids_as_they_are()
    {
        using var daemon = new FakeDaemon();
        var options = XRayExporterHarness.Options(daemon.Port);
        options.TraceIdPolicy = XRayTraceIdPolicy.Passthrough;
        await using var harness = new XRayExporterHarness(options);
        await harness.Exporter.StartAsync(CancellationToken.None);

        Assert.Equal(XRayExportResult.Exported, await harness.ExportAsync(TestSpans.Foreign()));

        Assert.Equal("1-4bf92f35-77b34da6a3ce929d0e0e4736",
            (await daemon.ReceiveAsync()).Document.GetProperty("trace_id").GetString());
    }

    [Fact]
    public async Task Too_large_and_invalid_spans_are_dropped_with_their_own_results()
    {
        using var daemon = new FakeDaemon();
        await using var harness = new XRayExporterHarness(XRayExporterHarness.Options(daemon.Port));
        using var listener = harness.ListenToMetrics();
        await harness.Exporter.StartAsync(CancellationToken.None);

        Assert.Equal(XRayExportResult.DroppedTooLarge,
            await harness.ExportAsync(TestSpans.Fresh(url: "https://x/" + new string('p', 70_000))));
        Assert.Equal(XRayExportResult.DroppedInvalid, await harness.ExportAsync(TestSpans.Fresh(name: " ")));
        Assert.Equal(XRayExportResult.DroppedInvalid, await harness.ExportAsync(TestSpans.Fresh(spanId: 0)));

        Assert.Equal(3, harness.Exporter.Dropped);
        Assert.Equal(1, listener.Total("dropped_too_large"));
        Assert.Equal(2, listener.Total("dropped_invalid"));
    }

    [Fact]
    public async Task Unexpected_emitter_exception_is_counted_and_the_loop_goes_on()
    {
        var emitter = new ScriptedEmitter { Throw = new InvalidOperationException("boom") };
        await using var harness = new XRayExporterHarness(new XRayExporterOptions(), emitter);
        await harness.Exporter.StartAsync(CancellationToken.None);

        Assert.Equal(XRayExportResult.Failed, await harness.ExportAsync(TestSpans.Fresh()));
        emitter.Throw = new SocketException((int)SocketError.ConnectionRefused);
        Assert.Equal(XRayExportResult.Failed, await harness.ExportAsync(TestSpans.Fresh()));
        emitter.Throw = null;
        Assert.Equal(XRayExportResult.Exported, await harness.ExportAsync(TestSpans.Fresh()));

        Assert.Equal(1, emitter.SendFailures);
        Assert.Equal((1, 2), (harness.Exporter.Exported, harness.Exporter.Failed));
    }
}
