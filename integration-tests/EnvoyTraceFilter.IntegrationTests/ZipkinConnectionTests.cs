using EnvoyEmulator;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>Every service name has its own Zipkin exporter; they share one HTTP connection pool to the collector.</summary>
public sealed class ZipkinConnectionTests
{
    [Fact]
    public async Task Ten_services_post_their_spans_over_one_connection()
    {
        await using var host = await ExportHost.StartAsync();
        var emulator = Emulation.For(host.Filter);
        var traceIds = new List<string>();

        for (var i = 0; i < 10; i++)
        {
            var exchange = await emulator.SendAsync(Emulation.Get($"service{i}.example.com")).DefaultTimeout();
            Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
            traceIds.Add(exchange.Upstream!.Get("x-b3-traceid")!);
        }

        await host.Zipkin.WaitForTraceIdsAsync(traceIds);
        var services = new HashSet<string>();
        for (var i = 0; i < 10; i++)
        {
            services.Add((await host.Zipkin.NextSpanAsync()).GetProperty("localEndpoint").GetProperty("serviceName").GetString()!);
        }

        Assert.Equal(10, services.Count);
        Assert.Equal(1, host.Zipkin.Connections);
    }
}
