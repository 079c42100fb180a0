using System.Net;
using System.Text.Json;
using EnvoyEmulator;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>
/// One Zipkin span and one X-Ray segment per sampled request, captured from real sockets. The plain cases (Google
/// context, a root, a 503) are data: integration-tests/scenarios, played by <see cref="ScenarioTests"/>.
/// </summary>
public sealed class SpanExportTests
{
    private const string GcpTrace = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static DownstreamRequest Request(string authority, params (string Name, string Value)[] headers) => new()
    {
        Method = "GET",
        Path = "/orders/42?full=1",
        Authority = authority,
        // A load balancer (the peer) forwards for the client 203.0.113.7; the client also forged an entry.
        PeerAddress = IPEndPoint.Parse("198.51.100.7:50000"),
        Headers = new HeaderList([("x-forwarded-for", "6.6.6.6, 203.0.113.7"), ("user-agent", "curl/8.5 \"quoted\""), .. headers]),
    };

    [Fact]
    public async Task HugeRequestValues_AreCutToTheirBoundsOnBothBackends_AndCounted()
    {
        await using var host = await ExportHost.StartAsync(new() { ["TraceFilter:SpanHeaderTags:x-tenant"] = "tenant" });
        using var metrics = host.Filter.Metrics();
        var userAgent = new string('u', 16 * 1024);
        var path = "/" + new string('p', 8 * 1024);
        var request = new DownstreamRequest
        {
            Method = "GET",
            Path = path,
            Authority = "api.example.com",
            PeerAddress = IPEndPoint.Parse("198.51.100.7:50000"),
            Headers = new HeaderList([("user-agent", userAgent), ("x-tenant", new string('t', 1000))]),
        };

        // SpanHeaderTags needs its header in envoy.yaml's forward_rules: this deployment adds x-tenant.
        var forwardingTenant = Emulation.ForTests with { ForwardRules = Emulation.EnvoyYaml.ForwardRules.Allowing("x-tenant") };
        await Emulation.For(host.Filter, forwardingTenant).SendAsync(request).DefaultTimeout();

        var tags = UserTags(await host.Zipkin.NextSpanAsync());
        Assert.Equal(userAgent[..512], tags["http.user_agent"]);
        Assert.Equal(path[..2048], tags["http.path"]);
        Assert.Equal("http://api.example.com" + path[..2048], tags["http.url"]);
        Assert.Equal(new string('t', 256), tags["tenant"]);
        var segment = await host.XRay.NextSegmentAsync();
        Assert.Equal(userAgent[..512], segment.GetProperty("http").GetProperty("request").GetProperty("user_agent").GetString());
        await metrics.WaitForAsync(1, "tracefilter.spans.truncated", "field=user-agent");
        await metrics.WaitForAsync(1, "tracefilter.spans.truncated", "field=:path");
        await metrics.WaitForAsync(1, "tracefilter.spans.truncated", "field=header_tag");
    }

    [Theory]
    [InlineData(404, true, false, false, null)]
    [InlineData(429, true, true, false, null)]
    public async Task ResponseStatus_MapsToErrorThrottleFault(int status, bool error, bool throttle, bool fault, string? zipkinError)
    {
        await using var host = await ExportHost.StartAsync();

        await Emulation.For(host.Filter).SendAsync(Request("api.example.com"), Emulation.Upstream(status)).DefaultTimeout();

        var zipkin = await host.Zipkin.NextSpanAsync();
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), UserTags(zipkin)["http.status_code"]);
        Assert.Equal(zipkinError, zipkin.GetProperty("tags").TryGetProperty("error", out var e) ? e.GetString() : null);
        var segment = await host.XRay.NextSegmentAsync();
        Assert.Equal(status, segment.GetProperty("http").GetProperty("response").GetProperty("status").GetInt32());
        Assert.Equal(error, segment.TryGetProperty("error", out var er) && er.GetBoolean());
        Assert.Equal(throttle, segment.TryGetProperty("throttle", out var th) && th.GetBoolean());
        Assert.Equal(fault, segment.TryGetProperty("fault", out var fa) && fa.GetBoolean());
    }

    [Fact]
    public async Task UpstreamReset_SpanIsIncompleteWithTheReason()
    {
        await using var host = await ExportHost.StartAsync();

        var exchange = await Emulation.For(host.Filter).SendAsync(Request("api.example.com"),
            (_, _) => Task.FromResult(UpstreamResponse.Reset())).DefaultTimeout();

        Assert.Equal(503, exchange.Downstream.Status);
        var zipkin = await host.Zipkin.NextSpanAsync();
        Assert.Equal("incomplete: no_response_headers", zipkin.GetProperty("tags").GetProperty("error").GetString());
        Assert.Equal("no_response_headers", zipkin.GetProperty("tags").GetProperty("incomplete_reason").GetString());
        Assert.False(zipkin.GetProperty("tags").TryGetProperty("http.status_code", out _));
        var segment = await host.XRay.NextSegmentAsync();
        Assert.True(segment.GetProperty("fault").GetBoolean());
        Assert.Equal("no_response_headers", segment.GetProperty("annotations").GetProperty("incomplete_reason").GetString());
        Assert.False(segment.GetProperty("http").TryGetProperty("response", out _));
    }

    [Fact]
    public async Task FallbackHostAndDirectClient_NameAndAddressAsDecided()
    {
        await using var host = await ExportHost.StartAsync();

        await Emulation.For(host.Filter).SendAsync(new DownstreamRequest { Authority = "evil.test", PeerAddress = IPEndPoint.Parse("203.0.113.9:4000") }).DefaultTimeout();

        var zipkin = await host.Zipkin.NextSpanAsync();
        Assert.Equal("get", zipkin.GetProperty("name").GetString());
        Assert.Equal("my application", zipkin.GetProperty("localEndpoint").GetProperty("serviceName").GetString());
        Assert.False(zipkin.GetProperty("tags").TryGetProperty("x_forwarded_for", out _));
        var segment = await host.XRay.NextSegmentAsync();
        Assert.Equal("My application", segment.GetProperty("name").GetString());
        Assert.Equal("""{"method":"GET","url":"http://evil.test/","client_ip":"203.0.113.9"}""", segment.GetProperty("http").GetProperty("request").GetRawText());
    }

    [Fact]
    public async Task UnsampledRequest_HeadersSayNotSampledAndNothingIsExported()
    {
        await using var host = await ExportHost.StartAsync();
        var emulator = Emulation.For(host.Filter);

        var exchange = await emulator.SendAsync(Request("api.example.com", ("x-cloud-trace-context", GcpTrace + "/1;o=0"))).DefaultTimeout();

        Assert.Equal("0", exchange.Upstream!.Get("x-b3-sampled"));
        Assert.EndsWith("-00", exchange.Upstream.Get("traceparent"), StringComparison.Ordinal);
        await AssertNothingElseBeforeSentinel(host, emulator);
    }

    [Fact]
    public async Task ForeignTraceIdWithDropPolicy_XRaySkipsAndCountsIt()
    {
        await using var host = await ExportHost.StartAsync(new() { ["TraceFilter:XRay:TraceIdPolicy"] = "Drop" });
        using var metrics = host.Filter.Metrics();
        var emulator = Emulation.For(host.Filter);

        await emulator.SendAsync(Request("api.example.com", ("x-cloud-trace-context", GcpTrace + "/1;o=1"))).DefaultTimeout();

        Assert.Equal(GcpTrace, (await host.Zipkin.NextSpanAsync()).GetProperty("traceId").GetString());
        await metrics.WaitForAsync(1, "tracefilter.export.spans", "exporter=xray", "result=dropped_incompatible_id");
        // A trace the filter starts carries the current epoch, so X-Ray takes it.
        var sentinel = await emulator.SendAsync(Request("api.example.com")).DefaultTimeout();
        Assert.Equal(sentinel.Upstream!.Get("x-b3-spanid"), (await host.XRay.NextSegmentAsync()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task ConfiguredTags_LiteralAndFromHeaders_OnBothBackends()
    {
        await using var host = await ExportHost.StartAsync(new()
        {
            ["TraceFilter:SpanTags:env"] = "prod",
            ["TraceFilter:SpanHeaderTags:X-Tenant"] = "tenant",
            ["TraceFilter:SpanHeaderTags:x-absent"] = "absent",
        });

        // SpanHeaderTags needs its headers in envoy.yaml's forward_rules (README): this deployment adds x-tenant.
        var forwardingTenant = Emulation.ForTests with { ForwardRules = Emulation.EnvoyYaml.ForwardRules.Allowing("x-tenant") };
        await Emulation.For(host.Filter, forwardingTenant).SendAsync(Request("api.example.com", ("x-tenant", "acme"))).DefaultTimeout();

        var tags = UserTags(await host.Zipkin.NextSpanAsync());
        Assert.Equal("prod", tags["env"]);
        Assert.Equal("acme", tags["tenant"]);
        Assert.False(tags.ContainsKey("absent"));
        Assert.Equal("""{"env":"prod","tenant":"acme"}""", (await host.XRay.NextSegmentAsync()).GetProperty("annotations").GetRawText());
    }

    /// <summary>
    /// Sends a fresh sampled request and requires it to be the next thing both backends receive: proof that
    /// nothing (a duplicate, an unsampled span) was exported in between, without waiting for silence.
    /// </summary>
    private static async Task AssertNothingElseBeforeSentinel(ExportHost host, EnvoyExtProcEmulator emulator)
    {
        var sentinel = await emulator.SendAsync(Request("sentinel.example.com", ("b3", "1"))).DefaultTimeout();
        var id = sentinel.Upstream!.Get("x-b3-spanid");
        Assert.Equal(id, (await host.Zipkin.NextSpanAsync()).GetProperty("id").GetString());
        Assert.Equal(id, (await host.XRay.NextSegmentAsync()).GetProperty("id").GetString());
    }

    private static Dictionary<string, string> UserTags(JsonElement span) => span.GetProperty("tags").EnumerateObject()
        .Where(p => !p.Name.StartsWith("otel.", StringComparison.Ordinal))
        .ToDictionary(p => p.Name, p => p.Value.GetString()!);
}
