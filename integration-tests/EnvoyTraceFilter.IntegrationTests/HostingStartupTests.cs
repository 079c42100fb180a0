using EnvoyTraceFilter.Hosting;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>Admin and drain settings fail startup like every other setting: key named, exit code 2.</summary>
public sealed class HostingStartupTests
{
    private static async Task<(IReadOnlyList<string> Failures, int ExitCode)> StartAsync(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddTraceFilter();
        await using var app = builder.Build();
        app.MapTraceFilter();
        var failures = TraceFilterHostingExtensions.ConfigurationFailures(StartupValidation.Run(app)!);
        return (failures, await app.RunTraceFilterAsync().WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task TimeSpanThatIsNotOne_NamesTheKey_Exit2()
    {
        var (failures, exit) = await StartAsync(new() { ["TraceFilter:Shutdown:DrainDelay"] = "soon" });

        Assert.Equal(["Failed to convert configuration value 'soon' at 'TraceFilter:Shutdown:DrainDelay' to type 'System.TimeSpan'."], failures);
        Assert.Equal(2, exit);
    }

    [Fact]
    public async Task AdminPortClashingWithExtProcPort_Exit2()
    {
        var (failures, exit) = await StartAsync(new() { ["TraceFilter:Port"] = "9901" });

        Assert.Equal(["TraceFilter:Admin:Port 9901 is also TraceFilter:Port; the admin listener (HTTP/1.1) needs a port of its own."], failures);
        Assert.Equal(2, exit);
    }
}
