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

        var applied = ReloadEvents.NextAsync(snapshots, applied: true);
        WriteConfig("Second name");
        await applied;
        var after = await emulator.SendAsync(Emulation.Get("evil.test")).DefaultTimeout();
        Assert.Equal("Second name", after.Upstream!.Get("x-service-name"));

        var rejected = ReloadEvents.NextAsync(snapshots, applied: false);
        WriteConfig("Third name", pattern: "");
        await rejected;
        var kept = await emulator.SendAsync(Emulation.Get("evil.test")).DefaultTimeout();
        Assert.Equal("Second name", kept.Upstream!.Get("x-service-name"));
        Assert.Equal(["TraceFilter:Naming:Rules[0]:Pattern is empty; give a host pattern such as *.example.com."], snapshots.Reload());
    }

    [Fact]
    public async Task NamingCap_IsPerProcess_AnUnrelatedReloadKeepsIt_ARaiseTakesEffect()
    {
        await using var host = await FilterHost.StartAsync(overSocket: false, new Dictionary<string, string?>
        {
            ["TraceFilter:Naming:Rules:0:Pattern"] = "*.example.com",
            ["TraceFilter:Naming:FallbackName"] = "Fallback",
            ["TraceFilter:Naming:Header"] = "x-service-name",
            ["TraceFilter:Naming:MaxDistinctNames"] = "2",
        });
        var configuration = host.Services.GetRequiredService<IConfiguration>();
        var snapshots = host.Services.GetRequiredService<FilterSnapshotProvider>();
        var emulator = Emulation.For(host);
        async Task<string?> NameOf(string authority) =>
            (await emulator.SendAsync(Emulation.Get(authority)).DefaultTimeout()).Upstream!.Get("x-service-name");

        Assert.Equal("a.example.com", await NameOf("a.example.com"));
        Assert.Equal("b.example.com", await NameOf("b.example.com"));
        Assert.Equal("Fallback", await NameOf("c.example.com"));

        // An edit of something else (a span tag) must not hand out a fresh set of names.
        configuration["TraceFilter:SpanTags:env"] = "prod";
        Assert.Empty(snapshots.Reload());
        Assert.Equal("Fallback", await NameOf("d.example.com"));
        Assert.Equal("a.example.com", await NameOf("a.example.com"));

        configuration["TraceFilter:Naming:MaxDistinctNames"] = "3";
        Assert.Empty(snapshots.Reload());
        Assert.Equal("e.example.com", await NameOf("e.example.com"));
        Assert.Equal("Fallback", await NameOf("f.example.com"));
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
