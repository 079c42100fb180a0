using System.Net;
using EnvoyEmulator;
using EnvoyEmulator.Http2;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>Kestrel's per-connection stream limit against Envoy's connection behaviour (RATIONALE.md, early finish).</summary>
public sealed class StreamLimitTests
{
    private static IPEndPoint EndPoint(FilterHost host) => new(IPAddress.Loopback, new Uri(host.Address!).Port);

    [Fact]
    public async Task By_default_the_filter_allows_envoys_1024_concurrent_streams_per_connection()
    {
        await using var host = await FilterHost.StartAsync(overSocket: true);
        await using var connection = await Http2Connection.ConnectAsync(EndPoint(host)).DefaultTimeout();

        Assert.Equal(1024, connection.PeerMaxConcurrentStreams);
    }

    [Fact]
    public async Task Envoys_reset_after_the_early_finish_lets_kestrel_forget_finished_streams()
    {
        // Kestrel refuses new streams once it tracks 2 x 5 finished-but-unreset streams (for up to 5 s). Envoy resets
        // its side as soon as the filter's trailers arrive, so 300 quick requests on one connection all pass.
        await using var host = await FilterHost.StartAsync(overSocket: true,
            new Dictionary<string, string?> { ["TraceFilter:MaxStreamsPerConnection"] = "5" });
        await using var emulator = Emulation.For(host, new EmulatorOptions { MessageTimeout = TimeSpan.FromSeconds(5), Workers = 1 });

        for (var i = 0; i < 300; i++)
        {
            var x = await emulator.SendAsync(Emulation.Get("api.example.com")).DefaultTimeout();
            Assert.Equal(ExchangeOutcome.Processed, x.Outcome);
            Assert.NotNull(x.Upstream!.Get("x-b3-traceid"));
        }

        Assert.Equal((0, 1), (emulator.Stats.StreamsFailed, emulator.Stats.UpstreamCxTotal));
    }
}
