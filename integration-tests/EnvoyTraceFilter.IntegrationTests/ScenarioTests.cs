using System.Net;
using EnvoyEmulator;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;
using EnvoyTraceFilter.Scenarios;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>
/// Plays every integration-tests/scenarios/*.json through the emulator (format: scenarios/README.md). The model, the
/// loader and the checks are EnvoyTraceFilter.Scenarios, shared with the container tests (real Envoy).
/// </summary>
public sealed class ScenarioTests
{
    public static TheoryData<string> Files() => new(ScenarioFiles.Names());

    [Fact]
    public void ScenarioDirectory_HoldsScenarios() => Assert.True(Files().Count >= 3, $"expected scenario files in {ScenarioFiles.Directory}");

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Scenario(string file)
    {
        var scenario = ScenarioFiles.Load(file);
        await using var host = await ExportHost.StartAsync(scenario.Configuration.ToDictionary(p => p.Key, p => (string?)p.Value));
        var emulator = Emulation.For(host.Filter);

        var exchange = await emulator.SendAsync(Request(scenario.Request), Upstream(scenario.UpstreamResponse)).DefaultTimeout();

        Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
        var upstream = exchange.Upstream!;
        var check = scenario.Expect.For(upstream.Get);
        check.UpstreamHeaders(upstream.Get);
        check.Response(exchange.Downstream.Status, exchange.Downstream.Get);
        if (scenario.Expect.HasZipkin)
        {
            check.ZipkinSpan(await host.Zipkin.NextSpanAsync());
        }

        if (scenario.Expect.HasXRay)
        {
            check.XRaySegment(await host.XRay.NextSegmentAsync());
        }

        // The next span on both backends is a sentinel's: the scenario's request produced nothing else.
        var sentinel = await emulator.SendAsync(new DownstreamRequest { Authority = "sentinel.example.com", Headers = [("b3", "1")] }).DefaultTimeout();
        var sentinelId = sentinel.Upstream!.Get("x-b3-spanid");
        Assert.Equal(sentinelId, (await host.Zipkin.NextSpanAsync()).GetProperty("id").GetString());
        Assert.Equal(sentinelId, (await host.XRay.NextSegmentAsync()).GetProperty("id").GetString());
    }

    private static DownstreamRequest Request(ScenarioRequest request) => new()
    {
        Method = request.Method,
        Authority = request.Authority,
        Path = request.Path,
        PeerAddress = IPEndPoint.Parse(request.Peer),
        Headers = new HeaderList(request.Headers),
    };

    private static Func<UpstreamRequest, CancellationToken, Task<UpstreamResponse>> Upstream(ScenarioResponse response) =>
        (_, _) => Task.FromResult(new UpstreamResponse { Status = response.Status, Headers = new HeaderList(response.Headers) });
}
