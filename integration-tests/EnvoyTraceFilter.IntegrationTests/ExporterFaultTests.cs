using System.Net;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using EnvoyTraceFilter.Exporters.XRay;
using EnvoyTraceFilter.Exporters.Zipkin;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>
/// Collector outages under load (issue 12, item 3). Each test sends a few thousand 100 %-sampled requests
/// concurrently while the fault holds, then: every request was processed with its translated headers, the queue
/// never grew past its capacity, every span ended in exactly one counted outcome with the right cause, and once the
/// collector is back new spans reach it.
/// </summary>
public sealed class ExporterFaultTests
{
    private const int Requests = 2000;
    private const int Recovery = 50;
    private const int Capacity = 256;
    private const int Batch = 64;
    private const string Spans = "tracefilter.export.spans";
    private const string Errors = "tracefilter.export.errors";

    private static Dictionary<string, string?> ZipkinSettings(string endpoint, string exportTimeout = "00:00:01") => new()
    {
        ["TraceFilter:Naming:Rules:0:Pattern"] = "*.example.com",
        ["TraceFilter:Sampling:Strategy"] = "Always",
        ["TraceFilter:Zipkin:Enabled"] = "true",
        ["TraceFilter:Zipkin:Endpoint"] = endpoint,
        ["TraceFilter:Zipkin:QueueCapacity"] = Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["TraceFilter:Zipkin:MaxBatchSize"] = Batch.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["TraceFilter:Zipkin:BatchDelay"] = "00:00:00.050",
        ["TraceFilter:Zipkin:ExportTimeout"] = exportTimeout,
    };

    private static Dictionary<string, string?> XRaySettings(string address) => new()
    {
        ["TraceFilter:Naming:Rules:0:Pattern"] = "*.example.com",
        ["TraceFilter:Sampling:Strategy"] = "Always",
        ["TraceFilter:XRay:Enabled"] = "true",
        ["TraceFilter:XRay:DaemonAddress"] = address,
        ["TraceFilter:XRay:TraceIdPolicy"] = "Passthrough",
        ["TraceFilter:XRay:QueueCapacity"] = Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["TraceFilter:XRay:DnsRetryInterval"] = "00:00:00.500",
    };

    [Fact]
    public async Task Zipkin_refusing_connections_then_listening_again_on_the_same_port()
    {
        var port = ClosedTcpPort();
        await using var host = await FilterHost.StartAsync(overSocket: false, ZipkinSettings($"http://127.0.0.1:{port}/api/v2/spans"));
        using var metrics = host.Metrics();
        var zipkin = host.Services.GetRequiredService<ZipkinSpanExporter>();

        var load = await SampledLoad.RunAsync(Emulation.For(host), Requests, () => zipkin.QueueDepth);
        await metrics.WaitForAsync(Requests, Spans, "exporter=zipkin");

        AssertZipkinAccounting(metrics, load, sent: Requests, exported: 0);
        var refused = metrics.Sum(Errors, "exporter=zipkin", "error=connection_refused");
        AssertBatchesFailed(metrics, refused);
        Assert.Equal(refused, metrics.Sum(Errors, "exporter=zipkin"));

        await using var back = await ZipkinCollector.StartAsync(ZipkinFault.None, port);
        await AssertRecoveryAsync(host, metrics, back, sentBefore: Requests, zipkin);
    }

    [Fact]
    public async Task Zipkin_accepting_connections_and_never_reading_times_out_each_post_then_recovers()
    {
        var silent = new SilentTcpListener();
        var port = silent.Port;
        await using var host = await FilterHost.StartAsync(overSocket: false, ZipkinSettings($"http://127.0.0.1:{port}/api/v2/spans"));
        using var metrics = host.Metrics();
        var zipkin = host.Services.GetRequiredService<ZipkinSpanExporter>();

        var load = await SampledLoad.RunAsync(Emulation.For(host), Requests, () => zipkin.QueueDepth);

        // Each POST waits out the 1 s timeout, so the loop sends at most a batch a second: the rest is dropped.
        await metrics.WaitForAsync(1, Errors, "exporter=zipkin", "error=timeout");
        Assert.Equal(0, metrics.Sum(Spans, "exporter=zipkin", "result=exported"));
        Assert.True(metrics.Sum(Spans, "exporter=zipkin", "result=dropped_queue_full") > 0);
        Assert.True(load.MaxQueueDepth <= Capacity, $"queue depth {load.MaxQueueDepth} > {Capacity}");
        Assert.True(silent.Connections >= 1);

        silent.Dispose();
        await using var back = await ZipkinCollector.StartAsync(ZipkinFault.None, port);
        await AssertRecoveryAsync(host, metrics, back, sentBefore: Requests, zipkin);
        // Between the silent listener going away and the collector starting, POSTs may be refused or reset: those
        // are connection errors, never an HTTP status.
        Assert.True(metrics.Sum(Errors, "exporter=zipkin", "error=timeout") >= 1);
        Assert.Equal(0, metrics.Sum(Errors, "exporter=zipkin", "error=http_status"));
        AssertBatchesFailed(metrics, metrics.Sum(Errors, "exporter=zipkin"));
    }

    [Fact]
    public async Task Zipkin_reading_the_post_and_never_answering_times_out_each_post_then_recovers()
    {
        await using var collector = await ZipkinCollector.StartAsync(ZipkinFault.HangAfterRead);
        await using var host = await FilterHost.StartAsync(overSocket: false, ZipkinSettings(collector.Endpoint));
        using var metrics = host.Metrics();
        var zipkin = host.Services.GetRequiredService<ZipkinSpanExporter>();

        var load = await SampledLoad.RunAsync(Emulation.For(host), Requests, () => zipkin.QueueDepth);

        await metrics.WaitForAsync(1, Errors, "exporter=zipkin", "error=timeout");
        Assert.Equal(0, metrics.Sum(Spans, "exporter=zipkin", "result=exported"));
        Assert.True(metrics.Sum(Spans, "exporter=zipkin", "result=dropped_queue_full") > 0);
        Assert.True(load.MaxQueueDepth <= Capacity, $"queue depth {load.MaxQueueDepth} > {Capacity}");

        collector.Fault = ZipkinFault.None;
        await AssertRecoveryAsync(host, metrics, collector, sentBefore: Requests, zipkin);
        // Every POST the collector held timed out, and nothing else failed.
        Assert.Equal(collector.HungPosts, metrics.Sum(Errors, "exporter=zipkin", "error=timeout"));
        Assert.Equal(collector.HungPosts, metrics.Sum(Errors, "exporter=zipkin"));
        AssertBatchesFailed(metrics, collector.HungPosts);
    }

    [Fact]
    public async Task Zipkin_hung_collector_costs_one_timeout_per_batch_not_one_per_service()
    {
        // Ten services in one batch (it leaves when full): one POST each. Against a hung collector the first one
        // waits out the timeout; the other nine must not each wait their own.
        const int services = 10;
        await using var collector = await ZipkinCollector.StartAsync(ZipkinFault.HangAfterRead);
        var settings = ZipkinSettings(collector.Endpoint);
        settings["TraceFilter:Zipkin:MaxBatchSize"] = services.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["TraceFilter:Zipkin:BatchDelay"] = "00:01:00";
        await using var host = await FilterHost.StartAsync(overSocket: false, settings);
        using var metrics = host.Metrics();
        var emulator = Emulation.For(host);

        for (var i = 0; i < services; i++)
        {
            var exchange = await emulator.SendAsync(Emulation.Get($"s{i}.example.com")).DefaultTimeout();
            Assert.Equal(EnvoyEmulator.ExchangeOutcome.Processed, exchange.Outcome);
        }

        await metrics.WaitForAsync(services, Spans, "exporter=zipkin");
        Assert.Equal(services, metrics.Sum(Spans, "exporter=zipkin", "result=failed"));
        Assert.Equal(1, collector.HungPosts);
        Assert.Equal(1, metrics.Sum(Errors, "exporter=zipkin", "error=timeout"));
        Assert.Equal(1, metrics.Sum(Errors, "exporter=zipkin"));
    }

    [Fact]
    public async Task Zipkin_answering_500_counts_each_post_then_recovers_when_it_answers_202()
    {
        await using var collector = await ZipkinCollector.StartAsync(ZipkinFault.Status500);
        await using var host = await FilterHost.StartAsync(overSocket: false, ZipkinSettings(collector.Endpoint));
        using var metrics = host.Metrics();
        var zipkin = host.Services.GetRequiredService<ZipkinSpanExporter>();

        var load = await SampledLoad.RunAsync(Emulation.For(host), Requests, () => zipkin.QueueDepth);
        await metrics.WaitForAsync(Requests, Spans, "exporter=zipkin");

        AssertZipkinAccounting(metrics, load, sent: Requests, exported: 0);
        Assert.Equal(collector.FailedPosts, metrics.Sum(Errors, "exporter=zipkin", "error=http_status"));
        Assert.Equal(collector.FailedPosts, metrics.Sum(Errors, "exporter=zipkin"));
        AssertBatchesFailed(metrics, collector.FailedPosts);

        collector.Fault = ZipkinFault.None;
        await AssertRecoveryAsync(host, metrics, collector, sentBefore: Requests, zipkin);
    }

    [Fact]
    public async Task Zipkin_answering_slowly_delivers_what_it_can_and_drops_the_rest_counted()
    {
        // Each POST is held 2 s, well inside the 10 s timeout: nothing fails, the queue overflows instead.
        await using var collector = await ZipkinCollector.StartAsync(ZipkinFault.Slow, slowDelay: TimeSpan.FromSeconds(2));
        await using var host = await FilterHost.StartAsync(overSocket: false, ZipkinSettings(collector.Endpoint, exportTimeout: "00:00:10"));
        using var metrics = host.Metrics();
        var zipkin = host.Services.GetRequiredService<ZipkinSpanExporter>();

        var load = await SampledLoad.RunAsync(Emulation.For(host), Requests, () => zipkin.QueueDepth);
        await metrics.WaitForAsync(Requests, Spans, "exporter=zipkin");

        var exported = metrics.Sum(Spans, "exporter=zipkin", "result=exported");
        AssertZipkinAccounting(metrics, load, sent: Requests, exported: exported);
        Assert.True(metrics.Sum(Spans, "exporter=zipkin", "result=dropped_queue_full") > 0);
        Assert.Equal(0, metrics.Sum(Spans, "exporter=zipkin", "result=failed"));
        Assert.Equal(0, metrics.Sum(Errors, "exporter=zipkin"));
        // What was exported is what the collector kept, batch by batch.
        Assert.Equal(exported, collector.Spans);
        Assert.InRange(collector.Posts, (exported + Batch - 1) / Batch, exported);

        collector.Fault = ZipkinFault.None;
        await AssertRecoveryAsync(host, metrics, collector, sentBefore: Requests, zipkin);
    }

    [Fact]
    public async Task XRay_dead_local_daemon_is_counted_without_exceptions_then_a_daemon_on_the_port_receives()
    {
        var port = ClosedUdpPort();
        var marker = new object();
        var socketExceptions = 0;
        void OnFirstChance(object? sender, FirstChanceExceptionEventArgs e)
        {
            if (ReferenceEquals(Flow.Value, marker) && e.Exception is SocketException)
            {
                Interlocked.Increment(ref socketExceptions);
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;
        try
        {
            // The exporter's loop starts inside this flow and so carries the marker; other tests' hosts do not.
            Flow.Value = marker;
            await using var host = await FilterHost.StartAsync(overSocket: false, XRaySettings($"127.0.0.1:{port}"));
            using var metrics = host.Metrics();
            var xray = host.Services.GetRequiredService<XRayExporter>();

            var load = await SampledLoad.RunAsync(Emulation.For(host), Requests, () => xray.QueueDepth);
            await metrics.WaitForAsync(Requests, Spans, "exporter=xray");

            // The kernel reports the previous datagram's ICMP port-unreachable on the next send: about every other
            // send is refused. Each refusal is one failed span and one connection_refused error, never an exception.
            var failed = metrics.Sum(Spans, "exporter=xray", "result=failed");
            Assert.True(failed >= Requests / 10, $"failed {failed}");
            Assert.Equal(failed, metrics.Sum(Errors, "exporter=xray", "error=connection_refused"));
            Assert.Equal(failed, metrics.Sum(Errors, "exporter=xray"));
            Assert.Equal(Requests, failed + metrics.Sum(Spans, "exporter=xray", "result=exported")
                + metrics.Sum(Spans, "exporter=xray", "result=dropped_queue_full"));
            Assert.True(load.MaxQueueDepth <= Capacity, $"queue depth {load.MaxQueueDepth} > {Capacity}");
            Assert.Equal(0, Volatile.Read(ref socketExceptions));

            using var daemon = new XRayDaemon(port);
            var recovery = await SampledLoad.RunAsync(Emulation.For(host), Recovery, () => xray.QueueDepth, concurrency: 1);
            // The first send after the daemon came back may still carry the last ICMP error of the dead port.
            await daemon.WaitForTraceIdsAsync(recovery.TraceIds.Select(XRayTraceId), missing: 1);
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= OnFirstChance;
            Flow.Value = null;
        }
    }

    [Fact]
    public async Task XRay_unresolvable_daemon_name_starts_and_fails_each_span_without_a_lookup_per_span()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        await using var host = await FilterHost.StartAsync(overSocket: false, XRaySettings("xray-daemon.invalid:2000"));
        using var metrics = host.Metrics();
        var xray = host.Services.GetRequiredService<XRayExporter>();

        var load = await SampledLoad.RunAsync(Emulation.For(host), Requests, () => xray.QueueDepth);
        await metrics.WaitForAsync(Requests, Spans, "exporter=xray");
        var elapsed = started.Elapsed;

        var failed = metrics.Sum(Spans, "exporter=xray", "result=failed");
        Assert.Equal(0, metrics.Sum(Spans, "exporter=xray", "result=exported"));
        Assert.Equal(Requests, failed + metrics.Sum(Spans, "exporter=xray", "result=dropped_queue_full"));
        Assert.Equal(failed, metrics.Sum(Errors, "exporter=xray", "error=no_address"));
        Assert.True(load.MaxQueueDepth <= Capacity, $"queue depth {load.MaxQueueDepth} > {Capacity}");
        // Looked up again only every DnsRetryInterval (0.5 s) while it fails, not once per span.
        var lookups = metrics.Sum(Errors, "exporter=xray", "error=resolve");
        Assert.InRange(lookups, 1, (long)(elapsed.TotalSeconds / 0.5) + 2);
    }

    private static readonly AsyncLocal<object?> Flow = new();

    private static string XRayTraceId(string traceId) => $"1-{traceId[..8]}-{traceId[8..]}";

    /// <summary>Every span of the load ended in exactly one outcome; none is still queued.</summary>
    private static void AssertZipkinAccounting(MetricCollector metrics, LoadOutcome load, int sent, long exported)
    {
        Assert.Equal(exported, metrics.Sum(Spans, "exporter=zipkin", "result=exported"));
        Assert.Equal(sent, metrics.Sum(Spans, "exporter=zipkin", "result=exported")
            + metrics.Sum(Spans, "exporter=zipkin", "result=failed")
            + metrics.Sum(Spans, "exporter=zipkin", "result=dropped_queue_full"));
        Assert.True(load.MaxQueueDepth <= Capacity, $"queue depth {load.MaxQueueDepth} > {Capacity}");
    }

    /// <summary>Failed spans are whole batches: at least one and at most MaxBatchSize per failed POST.</summary>
    private static void AssertBatchesFailed(MetricCollector metrics, long failedPosts)
    {
        var failed = metrics.Sum(Spans, "exporter=zipkin", "result=failed");
        Assert.True(failedPosts >= 1, "no failed POST counted");
        Assert.InRange(failed, failedPosts, failedPosts * Batch);
    }

    /// <summary>
    /// Once the spans of the outage have all ended (the queue left then is sent to the collector that is back),
    /// new requests reach the collector, and every span is accounted for.
    /// </summary>
    private static async Task AssertRecoveryAsync(FilterHost host, MetricCollector metrics, ZipkinCollector collector, int sentBefore, ZipkinSpanExporter zipkin)
    {
        await metrics.WaitForAsync(sentBefore, Spans, "exporter=zipkin");
        var recovery = await SampledLoad.RunAsync(Emulation.For(host), Recovery, () => zipkin.QueueDepth);
        try
        {
            await collector.WaitForTraceIdsAsync(recovery.TraceIds);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"recovery spans did not arrive: collector posts {collector.Posts}, kept {collector.Spans}; "
                + $"exporter exported {metrics.Sum(Spans, "exporter=zipkin", "result=exported")}, failed {metrics.Sum(Spans, "exporter=zipkin", "result=failed")}, "
                + $"dropped {metrics.Sum(Spans, "exporter=zipkin", "result=dropped_queue_full")}, errors {metrics.Sum(Errors, "exporter=zipkin")} "
                + $"(timeout {metrics.Sum(Errors, "exporter=zipkin", "error=timeout")}), queue {zipkin.QueueDepth}");
        }
        await metrics.WaitForAsync(sentBefore + Recovery, Spans, "exporter=zipkin");
        Assert.Equal(sentBefore + Recovery, metrics.Sum(Spans, "exporter=zipkin"));
        Assert.True(metrics.Sum(Spans, "exporter=zipkin", "result=exported") >= Recovery);
    }

    private static int ClosedTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int ClosedUdpPort()
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.Client.LocalEndPoint!).Port;
    }
}
