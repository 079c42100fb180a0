using EnvoyTraceFilter.Hosting;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>A bad configuration stops the real host before it serves anything, with every error listed once.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public async Task BadConfiguration_EveryErrorReportedAndExitCodeIs2()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TraceFilter:Sampling:Ratio"] = "1.5",
            ["TraceFilter:Naming:Rules:0:Pattern"] = "",
            ["TraceFilter:XRay:DaemonAddress"] = "foo",
            ["TraceFilter:Zipkin:Protocol"] = "Jaeger",
        });
        builder.AddTraceFilter();
        await using var app = builder.Build();
        app.MapTraceFilter();

        var error = StartupValidation.Run(app);

        // Each options type is validated on its own, so only the set of messages is fixed, not their order.
        Assert.Equal(
            new[]
            {
                "TraceFilter:Naming:Rules[0]:Pattern is empty; give a host pattern such as *.example.com.",
                "TraceFilter:Sampling:Ratio must be between 0 and 1 (was 1.5)",
                "TraceFilter:XRay:DaemonAddress 'foo' is not host:port or 'tcp:host:port udp:host:port': host and port must be separated by ':'",
                "TraceFilter:Zipkin:Protocol 'Jaeger' is not valid; use one of Zipkin, Otlp, Console.",
            },
            TraceFilterHostingExtensions.ConfigurationFailures(error!).Order(StringComparer.Ordinal));
        Assert.Equal(2, await app.RunTraceFilterAsync().WaitAsync(TimeSpan.FromSeconds(30)));
    }
}
