using EnvoyTraceFilter.Configuration;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>Naming, client-address and propagation settings follow the configuration file while the filter runs.</summary>
public sealed class ReloadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tracefilter-").FullName;

    private string File => Path.Combine(_directory, "tracefilter.json");

    [Fact]
    public async Task ChangedFile_NewStreamsUseIt_InvalidChangeKeepsTheLastGood()
    {
        WriteConfig("First name");
        await using var host = await FilterHost.StartAsync(overSocket: false, configuration: c => c.AddJsonFile(File, optional: false, reloadOnChange: true));
        var snapshots = host.Services.GetRequiredService<FilterSnapshotProvider>();
        var emulator = Emulation.For(host);

        var before = await emulator.SendAsync(Emulation.Get("evil.test")).DefaultTimeout();
        Assert.Equal("First name", before.Upstream!.Get("x-service-name"));

        var applied = NextReload(snapshots, applied: true);
        WriteConfig("Second name");
        await applied;
        var after = await emulator.SendAsync(Emulation.Get("evil.test")).DefaultTimeout();
        Assert.Equal("Second name", after.Upstream!.Get("x-service-name"));

        var rejected = NextReload(snapshots, applied: false);
        WriteConfig("Third name", pattern: "");
        await rejected;
        var kept = await emulator.SendAsync(Emulation.Get("evil.test")).DefaultTimeout();
        Assert.Equal("Second name", kept.Upstream!.Get("x-service-name"));
        Assert.Equal(["TraceFilter:Naming:Rules[0]:Pattern is empty; give a host pattern such as *.example.com."], snapshots.Reload());
    }

    /// <summary>Completes at the next reload with the given outcome (a file watcher may report one write twice).</summary>
    private static Task NextReload(FilterSnapshotProvider snapshots, bool applied)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Handler(bool outcome)
        {
            if (outcome == applied)
            {
                snapshots.Reloaded -= Handler;
                done.TrySetResult();
            }
        }

        snapshots.Reloaded += Handler;
        return done.Task.DefaultTimeout();
    }

    private void WriteConfig(string fallback, string pattern = "*.example.com")
    {
        var json = $$"""
            { "TraceFilter": { "Naming": { "FallbackName": "{{fallback}}", "Header": "x-service-name", "Rules": [ { "Pattern": "{{pattern}}" } ] } } }
            """;
        var temp = File + ".tmp";
        System.IO.File.WriteAllText(temp, json);
        System.IO.File.Move(temp, File, overwrite: true);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
