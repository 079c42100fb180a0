using EnvoyTraceFilter.Hosting;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>What the host does (and must not do) on every ext_proc call.</summary>
public sealed class HostingTests
{
    [Fact]
    public async Task PerRequestHostingDiagnostics_AreOff_EvenWithLoggingOn()
    {
        await using var host = await FilterHost.StartAsync(overSocket: false);
        var loggers = host.Services.GetRequiredService<ILoggerFactory>();

        // ASP.NET Core creates its per-call Activity and log scope only when this category is enabled at all.
        Assert.False(loggers.CreateLogger(TraceFilterHostingExtensions.HostingDiagnosticsCategory).IsEnabled(LogLevel.Critical));
        Assert.True(loggers.CreateLogger("EnvoyTraceFilter.ExtProc.StreamServices").IsEnabled(LogLevel.Information));
    }
}
