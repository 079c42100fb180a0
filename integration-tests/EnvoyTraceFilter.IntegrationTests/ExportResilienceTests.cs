using System.Net;
using System.Net.Sockets;
using EnvoyEmulator;
using EnvoyTraceFilter.Exporters.Zipkin;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>A dead, hung or refusing backend changes nothing for requests; drops are bounded and counted.</summary>
public sealed class ExportResilienceTests
{
    private const int Requests = 40;

    // If an export ever sat on the request path, these exchanges would come back as FailOpenTimeout: the hung
    // collector holds a POST for a minute. 1 s, tighter than Emulation.ForTests' 5 s so a request that waited
    // for any export would show, but not envoy.yaml's 100 ms: 40 requests go back to back while the exporters
    // fail and retry on the same 2 shared cores (see Emulation.ForTests for the measurement).
    private static readonly EmulatorOptions EnvoyDefaults = Emulation.EnvoyYaml with { MessageTimeout = TimeSpan.FromSeconds(1) };

    [Fact]
    public async Task HungZipkinAndDeadDaemon_RequestsAreProcessedAndTheQueueBoundHolds()
    {
        await using var host = await ExportHost.StartAsync(new()
        {
            ["TraceFilter:Zipkin:QueueCapacity"] = "2",
            ["TraceFilter:Zipkin:MaxBatchSize"] = "1",
            ["TraceFilter:Zipkin:ExportTimeout"] = "00:01:00",
            ["TraceFilter:XRay:DaemonAddress"] = ClosedUdpPort(),
        }, zipkinFault: ZipkinFault.HangAfterRead);
        using var metrics = host.Filter.Metrics();
        await Emulation.For(host.Filter).SendAsync(Emulation.Get("api.example.com")).DefaultTimeout();
        var emulator = Emulation.For(host.Filter, EnvoyDefaults);

        for (var i = 1; i < Requests; i++)
        {
            var exchange = await emulator.SendAsync(Emulation.Get("api.example.com")).DefaultTimeout();
            Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
            Assert.NotNull(exchange.Upstream!.Get("x-b3-traceid"));
        }

        // At most one span is in the hung POST and two wait in the queue: every other one was dropped.
        var zipkin = host.Filter.Services.GetRequiredService<ZipkinSpanExporter>();
        Assert.True(zipkin.Dropped >= Requests - 3, $"dropped {zipkin.Dropped}");
        Assert.Equal(0, zipkin.Exported);
        Assert.Equal(zipkin.Dropped, metrics.Sum("tracefilter.export.spans", "exporter=zipkin", "result=dropped_queue_full"));
        Assert.Equal(0, emulator.Stats.StreamsFailed);
        Assert.Equal(0, emulator.Stats.MessageTimeouts);
    }

    [Fact]
    public async Task ZipkinRefusingConnections_FailuresAreCountedRequestsUnaffected()
    {
        await using var host = await ExportHost.StartAsync(zipkinEndpoint: $"http://{ClosedTcpPort()}/api/v2/spans");
        using var metrics = host.Filter.Metrics();
        await Emulation.For(host.Filter).SendAsync(Emulation.Get("api.example.com")).DefaultTimeout();
        var emulator = Emulation.For(host.Filter, EnvoyDefaults);

        for (var i = 1; i < 5; i++)
        {
            var exchange = await emulator.SendAsync(Emulation.Get("api.example.com")).DefaultTimeout();
            Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
        }

        await metrics.WaitForAsync(5, "tracefilter.export.spans", "exporter=zipkin", "result=failed");
        // X-Ray is independent of the broken Zipkin: all five segments arrive.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal("api.example.com", (await host.XRay.NextSegmentAsync()).GetProperty("name").GetString());
        }
    }

    private static string ClosedTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
    }

    private static string ClosedUdpPort()
    {
        using var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return $"127.0.0.1:{((IPEndPoint)socket.Client.LocalEndPoint!).Port}";
    }
}
