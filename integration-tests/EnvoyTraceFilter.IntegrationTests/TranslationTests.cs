using System.Text.RegularExpressions;
using EnvoyEmulator;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>The trace-context translation as an app behind Envoy sees it, in memory and over a real h2c socket.</summary>
public sealed partial class TranslationTests
{
    private const string GcpTrace = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CloudTraceContext_BecomesB3AndTraceParentForTheApp(bool overSocket)
    {
        await using var host = await FilterHost.StartAsync(overSocket);
        var emulator = Emulation.For(host);

        var exchange = await emulator.SendAsync(Emulation.Get("api.example.com",
            ("x-cloud-trace-context", GcpTrace + "/17725314949316355921;o=1"))).DefaultTimeout();

        Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
        var app = exchange.Upstream!;
        var spanId = app.Get("x-b3-spanid")!;
        Assert.Matches(SpanIdPattern(), spanId);
        Assert.NotEqual("f5fcf8089dec2751", spanId);
        Assert.Equal(GcpTrace, app.Get("x-b3-traceid"));
        Assert.Equal("f5fcf8089dec2751", app.Get("x-b3-parentspanid"));
        Assert.Equal("1", app.Get("x-b3-sampled"));
        Assert.Equal($"{GcpTrace}-{spanId}-1-f5fcf8089dec2751", app.Get("b3"));
        Assert.Equal($"00-{GcpTrace}-{spanId}-01", app.Get("traceparent"));
        // The original header is passed on untouched.
        Assert.Equal(GcpTrace + "/17725314949316355921;o=1", app.Get("x-cloud-trace-context"));
        Assert.Equal(200, exchange.Downstream.Status);
        Assert.Equal(0, emulator.Stats.StreamsFailed);
        Assert.Equal(0, emulator.Stats.SpuriousMsgsReceived);
    }

    [Fact]
    public async Task B3Present_TraceIdUntouchedAndCloudTraceIgnored()
    {
        await using var host = await FilterHost.StartAsync(overSocket: false);

        var exchange = await Emulation.For(host).SendAsync(Emulation.Get("api.example.com",
            ("x-cloud-trace-context", GcpTrace + "/17725314949316355921;o=1"),
            ("x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"),
            ("x-b3-spanid", "e457b5a2e4d86bd1"),
            ("x-b3-sampled", "1"))).DefaultTimeout();

        var app = exchange.Upstream!;
        Assert.Equal("80f198ee56343ba864fe8b2a57d3eff7", app.Get("x-b3-traceid"));
        Assert.Equal("e457b5a2e4d86bd1", app.Get("x-b3-parentspanid"));
        Assert.Equal($"00-80f198ee56343ba864fe8b2a57d3eff7-{app.Get("x-b3-spanid")}-01", app.Get("traceparent"));
    }

    [Fact]
    public async Task MalformedHeader_IsIgnoredCountedAndNeverWrittenHalfValid()
    {
        await using var host = await FilterHost.StartAsync(overSocket: false);
        using var metrics = host.Metrics();

        var exchange = await Emulation.For(host).SendAsync(Emulation.Get("api.example.com",
            ("traceparent", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"))).DefaultTimeout();

        var app = exchange.Upstream!;
        var traceId = app.Get("x-b3-traceid")!;
        Assert.Matches(TraceIdPattern(), traceId);
        Assert.NotEqual(GcpTrace, traceId);
        Assert.Null(app.Get("x-b3-parentspanid"));
        Assert.Equal($"00-{traceId}-{app.Get("x-b3-spanid")}-{(app.Get("x-b3-sampled") == "1" ? "01" : "00")}", app.Get("traceparent"));
        Assert.Equal(1, metrics.Sum("tracefilter.trace_headers.rejected", "format=TraceParent", "reason=BadCharacter"));
    }

    [Fact]
    public async Task EnvoyReset_AfterEarlyFinish_IsNormalCompletion()
    {
        await using var host = await FilterHost.StartAsync(overSocket: true);
        using var metrics = host.Metrics();
        var emulator = Emulation.For(host);

        for (var i = 0; i < 5; i++)
        {
            var exchange = await emulator.SendAsync(Emulation.Get("api.example.com")).DefaultTimeout();
            Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
        }

        Assert.Equal(5, metrics.Sum("tracefilter.extproc.streams", "end=finished"));
        Assert.Equal(0, metrics.Sum("tracefilter.extproc.streams", "end=reset"));
        Assert.Equal(0, metrics.Sum("tracefilter.extproc.errors"));
        Assert.Equal(0, emulator.Stats.StreamsFailed);
    }

    [Fact]
    public async Task WithoutEarlyFinish_EnvoyResetStillEndsTheStreamQuietly()
    {
        await using var host = await FilterHost.StartAsync(overSocket: true, new Dictionary<string, string?> { ["TraceFilter:ExtProc:FinishStreamAfter"] = "Never" });
        using var metrics = host.Metrics();

        var exchange = await Emulation.For(host).SendAsync(Emulation.Get("api.example.com")).DefaultTimeout();

        Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
        await metrics.WaitForAsync(1, "tracefilter.extproc.streams");
        Assert.Equal(0, metrics.Sum("tracefilter.extproc.streams", "end=fault"));
        Assert.Equal(0, metrics.Sum("tracefilter.extproc.errors"));
    }

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex SpanIdPattern();

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex TraceIdPattern();
}
