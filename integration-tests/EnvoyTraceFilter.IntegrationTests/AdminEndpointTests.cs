using System.Net;
using EnvoyEmulator;
using EnvoyTraceFilter.Admin;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>The admin listener (HTTP/1.1) and the ext_proc listener (h2c) each serve only their own paths.</summary>
public sealed class AdminEndpointTests
{
    private static readonly Dictionary<string, string?> AdminOn = new() { ["TraceFilter:Admin:Enabled"] = "true" };

    private static async Task<(HttpStatusCode Status, string Body, string? ContentType)> GetAsync(string url, Version version)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url) { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await client.SendAsync(request).DefaultTimeout();
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task AdminPort_ServesHealthzReadyzMetrics()
    {
        await using var host = await FilterHost.StartAsync(overSocket: true, AdminOn);
        await Emulation.For(host).SendAsync(Emulation.Get("api.example.com")).DefaultTimeout();

        Assert.Equal((HttpStatusCode.OK, "ok\n", "text/plain; charset=utf-8"), await GetAsync(host.AdminAddress + "/healthz", HttpVersion.Version11));
        Assert.Equal((HttpStatusCode.OK, "ready\n", "text/plain; charset=utf-8"), await GetAsync(host.AdminAddress + "/readyz", HttpVersion.Version11));
        var (status, body, type) = await GetAsync(host.AdminAddress + "/metrics", HttpVersion.Version11);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", type);
        // Names only here: in-process hosts share the process-wide meter name, exact values are asserted in MetricsEndpointTests.
        foreach (var family in new[]
                 {
                     "# TYPE tracefilter_requests_total counter", "# TYPE tracefilter_extproc_streams_total counter",
                     "# TYPE tracefilter_extproc_active_streams gauge", "# TYPE tracefilter_extproc_processing_duration_seconds histogram",
                 })
        {
            Assert.Contains(family, body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/metrics")]
    public async Task AdminPaths_AreNotServedOnTheExtProcPort(string path)
    {
        await using var host = await FilterHost.StartAsync(overSocket: true, AdminOn);

        var (status, body, _) = await GetAsync(host.Address + path, HttpVersion.Version20);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("", body);
    }

    [Theory]
    [InlineData("/envoy.service.ext_proc.v3.ExternalProcessor/Process")]
    [InlineData("/grpc.health.v1.Health/Check")]
    [InlineData("/")]
    public async Task GrpcPaths_AreNotServedOnTheAdminPort(string path)
    {
        await using var host = await FilterHost.StartAsync(overSocket: true, AdminOn);
        using var client = new HttpClient();
        using var content = new ByteArrayContent([0, 0, 0, 0, 0]);
        content.Headers.ContentType = new("application/grpc");

        using var response = await client.PostAsync(host.AdminAddress + path, content).DefaultTimeout();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Draining_ReadyzIs503_GrpcHealthNotServing_HealthzStillOk()
    {
        await using var host = await FilterHost.StartAsync(overSocket: true, AdminOn);
        var health = new Health.HealthClient(host.Channel);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest())).Status);

        host.Services.GetRequiredService<Readiness>().MarkDraining();

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "draining\n", "text/plain; charset=utf-8"), await GetAsync(host.AdminAddress + "/readyz", HttpVersion.Version11));
        Assert.Equal((HttpStatusCode.OK, "ok\n", "text/plain; charset=utf-8"), await GetAsync(host.AdminAddress + "/healthz", HttpVersion.Version11));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest())).Status);
        // Draining still serves streams (the drain delay keeps accepting them).
        Assert.Equal(ExchangeOutcome.Processed, (await Emulation.For(host).SendAsync(Emulation.Get("api.example.com")).DefaultTimeout()).Outcome);
    }

    [Fact]
    public void Readiness_StartingUntilMarkedReady_NeverReadyAgainOnceDraining()
    {
        var readiness = new Readiness();
        Assert.Equal(("starting", false), (readiness.Status, readiness.IsReady));
        readiness.MarkReady();
        Assert.Equal(("ready", true), (readiness.Status, readiness.IsReady));
        readiness.MarkDraining();
        readiness.MarkReady();
        Assert.Equal(("draining", false), (readiness.Status, readiness.IsReady));
    }

    [Fact]
    public async Task AdminDisabled_NoAdminListener_GrpcUnaffected()
    {
        await using var host = await FilterHost.StartAsync(overSocket: true);

        Assert.Null(host.AdminAddress);
        Assert.Equal(ExchangeOutcome.Processed, (await Emulation.For(host).SendAsync(Emulation.Get("api.example.com")).DefaultTimeout()).Outcome);
    }
}
