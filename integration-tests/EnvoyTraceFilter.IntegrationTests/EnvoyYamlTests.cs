using EnvoyEmulator;
using EnvoyTraceFilter.Configuration;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>The shipped envoy.yaml and the filter agree: Envoy sends every header the filter reads.</summary>
public sealed class EnvoyYamlTests
{
    [Fact]
    public async Task EveryHeaderTheFilterReads_IsForwardedByEnvoyYaml()
    {
        // The filter picks headers out of a message by KnownHeaders only (HeaderMapReader), on the request and
        // the response side alike, plus whatever SpanHeaderTags the shipped settings name.
        await using var host = await FilterHost.StartAsync(overSocket: false);
        var shippedTags = host.Services.GetRequiredService<FilterSnapshotProvider>().Current.SpanHeaderTags.Keys;
        var read = Enumerable.Range(0, KnownHeaders.Count).Select(i => KnownHeaders.Name((KnownHeader)i)).Concat(shippedTags);

        var missing = read.Where(name => !Emulation.EnvoyYaml.ForwardRules.Forwards(name)).ToList();

        Assert.True(missing.Count == 0, $"envoy.yaml's forward_rules do not send: {string.Join(", ", missing)}");
        Assert.Contains(":status", read);
        Assert.Contains("content-length", read);
    }

    [Fact]
    public async Task EnvoyLimitsDefaults_AreWhatEnvoyYamlConfigures()
    {
        // TraceFilter:EnvoyLimits must mirror the deployed Envoy's header limits, or the filter either gives up
        // outputs it could write or makes Envoy answer 500; the shipped defaults must mirror the shipped envoy.yaml.
        var yaml = Emulation.EnvoyYaml;
        var fromYaml = (yaml.MaxRequestHeadersCount, yaml.MaxRequestHeadersKb, yaml.MaxResponseHeadersCount, yaml.MaxResponseHeadersKb);
        var defaults = new EnvoyLimitsOptions();

        Assert.Equal(fromYaml, (defaults.MaxRequestHeadersCount, defaults.MaxRequestHeadersKb, defaults.MaxResponseHeadersCount, defaults.MaxResponseHeadersKb));
        Assert.Equal((100, 60, 100, 60), fromYaml);

        // What the filter runs with when nothing overrides them (the shipped appsettings included).
        await using var host = await FilterHost.StartAsync(overSocket: false);
        var snapshot = host.Services.GetRequiredService<FilterSnapshotProvider>().Current;
        Assert.Equal(Core.Headers.HeaderLimits.FromKb(yaml.MaxRequestHeadersCount, yaml.MaxRequestHeadersKb), snapshot.RequestHeaderLimits);
        Assert.Equal(Core.Headers.HeaderLimits.FromKb(yaml.MaxResponseHeadersCount, yaml.MaxResponseHeadersKb), snapshot.ResponseHeaderLimits);
    }

    [Fact]
    public void EnvoyYaml_SendsNothingTheFilterDoesNotRead()
    {
        // forward_rules exist to keep messages small: a header that is sent but never read costs both sides CPU.
        Assert.False(Emulation.EnvoyYaml.ForwardRules.Forwards("cookie"));
        Assert.False(Emulation.EnvoyYaml.ForwardRules.Forwards("x-request-id"));
        Assert.False(Emulation.EnvoyYaml.ForwardRules.Forwards("content-type"));
    }

    [Fact]
    public async Task HeaderOutsideForwardRules_NeverReachesTheFilter()
    {
        // A span tag from a header envoy.yaml does not forward is silently empty in production; the emulator
        // reproduces that instead of sending every header.
        await using var host = await ExportHost.StartAsync(new() { ["TraceFilter:SpanHeaderTags:x-tenant"] = "tenant" });

        var exchange = await Emulation.For(host.Filter).SendAsync(Emulation.Get("api.example.com", ("x-tenant", "acme"))).DefaultTimeout();

        Assert.Equal("acme", exchange.Upstream!.Get("x-tenant")); // the app still gets it
        Assert.DoesNotContain(exchange.RequestHeadersSent!.Headers.Headers, h => h.Key == "x-tenant");
        Assert.False((await host.Zipkin.NextSpanAsync()).GetProperty("tags").TryGetProperty("tenant", out _));
    }

    [Theory]
    [InlineData(1_234_567, 89)] // the usual 9 digits
    [InlineData(1_000_000, 0)] // ".1"
    [InlineData(0, 0)] // a whole second: no fraction
    public async Task RequestTimeFromEnvoy_IsTheSpanStartOnBothBackends(long ticks, int nanos)
    {
        await using var host = await ExportHost.StartAsync();
        var second = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1);
        var options = Emulation.ForTests with { Clock = () => second.AddTicks(ticks), SubTickNanoseconds = () => nanos };

        await Emulation.For(host.Filter, options).SendAsync(Emulation.Get("api.example.com")).DefaultTimeout();

        var micros = (second.ToUnixTimeMilliseconds() * 1000) + (ticks / 10);
        Assert.Equal(micros, (await host.Zipkin.NextSpanAsync()).GetProperty("timestamp").GetInt64());
        Assert.Equal(micros / 1_000_000m, (await host.XRay.NextSegmentAsync()).GetProperty("start_time").GetDecimal());
    }
}
