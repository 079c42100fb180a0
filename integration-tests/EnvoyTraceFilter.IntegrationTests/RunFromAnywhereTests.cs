using System.Text.Json.Nodes;
using EnvoyEmulator;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>
/// The built binary, started as a process from an unrelated working directory: it reads the appsettings.json next
/// to it, an extra file named by TRACEFILTER_CONFIG_FILE (reloaded on change), and logs one JSON object per line.
/// </summary>
public sealed class RunFromAnywhereTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tracefilter-anywhere-").FullName;

    private static async Task<string?> ServiceNameAsync(FilterProcess filter)
    {
        await using var emulator = Emulation.For(filter);
        var exchange = await emulator.SendAsync(Emulation.Get("unknown.test")).DefaultTimeout();
        Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
        return exchange.Upstream!.Get("x-service-name");
    }

    [Fact]
    public async Task StartedFromAnotherDirectory_ReadsTheAppsettingsNextToTheBinary()
    {
        // A copy of the build output whose appsettings.json names the service: the copy stands for a published directory.
        var binary = Path.Combine(_directory, "app");
        Directory.CreateDirectory(binary);
        foreach (var file in Directory.GetFiles(FilterProcess.BuildOutput()))
        {
            File.Copy(file, Path.Combine(binary, Path.GetFileName(file)));
        }

        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(binary, "appsettings.json")))!;
        settings["TraceFilter"]!["Naming"] = new JsonObject { ["FallbackName"] = "from-appsettings", ["Header"] = "x-service-name" };
        File.WriteAllText(Path.Combine(binary, "appsettings.json"), settings.ToJsonString());
        var elsewhere = Directory.CreateDirectory(Path.Combine(_directory, "elsewhere")).FullName;

        await using var filter = await FilterProcess.StartAsync(binaryDirectory: binary, workingDirectory: elsewhere);

        Assert.Equal("from-appsettings", await ServiceNameAsync(filter));
        // JSON console logs: every stdout line is one JSON object with the stable event id and category.
        Assert.All(filter.Events, e => Assert.True(e.TryGetProperty("EventId", out _), e.GetRawText()));
        var listening = filter.Events.Single(e => e.GetProperty("EventId").GetInt32() == FilterProcess.ListeningEvent);
        Assert.Equal("Information", listening.GetProperty("LogLevel").GetString());
        Assert.Equal("EnvoyTraceFilter.Hosting.TraceFilterHostingExtensions", listening.GetProperty("Category").GetString());
    }

    [Fact]
    public async Task ConfigFileVariable_RelativeToTheWorkingDirectory_LayersOverAppsettings_ReloadsOnChange()
    {
        WriteConfig("first-name");

        await using var filter = await FilterProcess.StartAsync(
            new Dictionary<string, string?> { ["TRACEFILTER_CONFIG_FILE"] = "tracefilter.json" }, workingDirectory: _directory);

        Assert.Equal(Path.Combine(_directory, "tracefilter.json"),
            (await filter.WaitForEventAsync(5010)).GetProperty("State").GetProperty("Path").GetString());
        Assert.Equal("first-name", await ServiceNameAsync(filter));

        var applied = filter.WaitForEventAsync(100);
        WriteConfig("second-name");
        await applied;
        Assert.Equal("second-name", await ServiceNameAsync(filter));
    }

    [Fact]
    public async Task ConfigFileVariable_MissingFile_FailsStartupNamingTheVariable()
    {
        var missing = Path.Combine(_directory, "absent.json");

        await using var filter = await FilterProcess.StartAsync(
            new Dictionary<string, string?> { ["TRACEFILTER_CONFIG_FILE"] = missing }, waitForListening: false);

        Assert.Equal(2, await filter.Exited.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(
            $"EnvoyTraceFilter: invalid configuration:\n  TRACEFILTER_CONFIG_FILE names '{missing}', which does not exist ({missing}); mount the file there or unset TRACEFILTER_CONFIG_FILE.",
            filter.StandardError);
    }

    private void WriteConfig(string fallback)
    {
        var path = Path.Combine(_directory, "tracefilter.json");
        File.WriteAllText(path + ".tmp", $$"""{ "TraceFilter": { "Naming": { "FallbackName": "{{fallback}}", "Header": "x-service-name" } } }""");
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
