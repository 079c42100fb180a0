using EnvoyEmulator;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>Reading and writing trace context like the peers do, seen from the caller and the app behind Envoy (issue 7).</summary>
public sealed class ConformanceTests
{
    private const string Root = "1-5759e988-bd862e3fe1be46a994272793";

    [Theory]
    [InlineData("Always", "1")]
    [InlineData("Never", "0")]
    public async Task XRaySampledQuestionMark_IsAnsweredToTheCallerWithRootAndDecision(string strategy, string sampled)
    {
        await using var host = await FilterHost.StartAsync(overSocket: false, new Dictionary<string, string?> { ["TraceFilter:Sampling:Strategy"] = strategy });
        var emulator = Emulation.For(host);

        // The app answers with its own X-Ray header (as an SDK without a decision to report would): ours replaces it.
        var exchange = await emulator.SendAsync(
            Emulation.Get("api.example.com", ("x-amzn-trace-id", "Root=" + Root + ";Parent=53995c3f42cd8ad8;Sampled=?")),
            Emulation.Upstream(200, ("x-amzn-trace-id", "Root=" + Root))).DefaultTimeout();

        Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
        Assert.Equal(200, exchange.Downstream.Status);
        Assert.Equal("Root=" + Root + ";Sampled=" + sampled, exchange.Downstream.Get("x-amzn-trace-id"));
        Assert.Equal(sampled, exchange.Upstream!.Get("x-b3-sampled"));
        Assert.Equal(0, emulator.Stats.StreamsFailed);
    }

    [Fact]
    public async Task WithoutSampledQuestionMark_TheResponseIsUntouched()
    {
        await using var host = await FilterHost.StartAsync(overSocket: false);

        var exchange = await Emulation.For(host).SendAsync(
            Emulation.Get("api.example.com", ("x-amzn-trace-id", "Root=" + Root + ";Parent=53995c3f42cd8ad8;Sampled=1")),
            Emulation.Upstream(200, ("x-amzn-trace-id", "Root=" + Root))).DefaultTimeout();

        Assert.Equal("Root=" + Root, exchange.Downstream.Get("x-amzn-trace-id"));
    }

    [Fact]
    public async Task XRayExtraFieldWithAControlByteOrRepeated_IsNotEchoedAndEachIsCounted()
    {
        // Envoy 1.36 answers a mutation value with any control byte with a local 500 (the emulator only models
        // NUL/CR/LF, so the exact header is what is checked here).
        await using var host = await FilterHost.StartAsync(overSocket: false, new Dictionary<string, string?>
        {
            ["TraceFilter:Propagation:Outputs:0"] = "B3Multi",
            ["TraceFilter:Propagation:Outputs:1"] = "XRay",
            ["TraceFilter:Sampling:Strategy"] = "Always",
        });
        using var metrics = host.Metrics();

        var exchange = await Emulation.For(host).SendAsync(Emulation.Get("api.example.com",
            ("x-amzn-trace-id", "Root=" + Root + ";Parent=53995c3f42cd8ad8;Sampled=1;Self=a\u0001b;Lineage=a87bd80c:1;Lineage=x:2"))).DefaultTimeout();

        Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
        Assert.Equal(200, exchange.Downstream.Status);
        var app = exchange.Upstream!;
        Assert.Equal($"Root={Root};Parent={app.Get("x-b3-spanid")};Sampled=1;Lineage=a87bd80c:1", app.Get("x-amzn-trace-id"));
        Assert.Equal(1, metrics.Sum("tracefilter.trace_headers.rejected", "format=XRay", "reason=FieldIgnored"));
        Assert.Equal(1, metrics.Sum("tracefilter.trace_headers.rejected", "format=XRay", "reason=Repeated"));
    }

    [Fact]
    public async Task SeveralTraceStateLines_ReachTheAppAsOneJoinedLine()
    {
        await using var host = await FilterHost.StartAsync(overSocket: false);

        var exchange = await Emulation.For(host).SendAsync(Emulation.Get("api.example.com",
            ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            ("tracestate", "congo=t61rcWkgMzE"),
            ("tracestate", ""),
            ("tracestate", "rojo=00f067aa0ba902b7"))).DefaultTimeout();

        // Get throws if the header occurs more than once.
        Assert.Equal("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", exchange.Upstream!.Get("tracestate"));
    }

    [Fact]
    public async Task RepeatedB3TraceId_UsesTheFirstAndCountsTheRepeat()
    {
        await using var host = await FilterHost.StartAsync(overSocket: false);
        using var metrics = host.Metrics();

        var exchange = await Emulation.For(host).SendAsync(Emulation.Get("api.example.com",
            ("x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"),
            ("x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124"),
            ("x-b3-spanid", "e457b5a2e4d86bd1"),
            ("x-b3-sampled", "1"))).DefaultTimeout();

        var app = exchange.Upstream!;
        Assert.Equal("80f198ee56343ba864fe8b2a57d3eff7", app.Get("x-b3-traceid"));
        Assert.Equal("e457b5a2e4d86bd1", app.Get("x-b3-parentspanid"));
        Assert.Equal(1, metrics.Sum("tracefilter.trace_headers.rejected", "format=B3Multi", "reason=Repeated"));
        Assert.Equal(0, metrics.Sum("tracefilter.trace_headers.rejected", "format=B3Multi", "reason=Duplicate"));
    }
}
