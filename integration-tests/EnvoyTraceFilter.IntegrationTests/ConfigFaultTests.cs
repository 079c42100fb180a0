using EnvoyTraceFilter.Configuration;
using EnvoyTraceFilter.Hosting;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>
/// Configuration faults (issue 12, item 4): a bad file at start stops the real binary with exit code 2 and a message
/// naming the file or key and the problem; a bad live reload keeps the last good configuration, is logged and counted
/// (<c>tracefilter.config.reloads{result=rejected}</c>), and a later good one applies; the sampling rules file likewise.
/// </summary>
public sealed class ConfigFaultTests : IDisposable
{
    private const string Reloads = "tracefilter.config.reloads";
    private readonly string _directory = Directory.CreateTempSubdirectory("tracefilter-faults-").FullName;

    private string ConfigPath => Path.Combine(_directory, "tracefilter.json");

    private string RulesPath => Path.Combine(_directory, "rules.json");

    [Fact]
    public async Task Startup_malformed_config_file_exits_2_naming_the_file_and_the_json_error()
    {
        const string broken = """{ "TraceFilter": { "Sampling": { "Ratio": 0.5, } """;
        File.WriteAllText(ConfigPath, broken);

        var (exitCode, stderr) = await RunToExitAsync(new() { ["TRACEFILTER_CONFIG_FILE"] = ConfigPath });

        Assert.Equal(2, exitCode);
        Assert.Equal(
            "EnvoyTraceFilter: invalid configuration:\n"
            + $"  TRACEFILTER_CONFIG_FILE names '{ConfigPath}': configuration file {ConfigPath} is not valid JSON: {JsonError(broken)}",
            stderr);
        Assert.EndsWith("LineNumber: 0 | BytePositionInLine: 49.", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_value_of_the_wrong_type_exits_2_naming_key_value_and_file()
    {
        File.WriteAllText(ConfigPath, """{ "TraceFilter": { "ExtProc": { "FirstMessageTimeout": "ten seconds" } } }""");

        var (exitCode, stderr) = await RunToExitAsync(new() { ["TRACEFILTER_CONFIG_FILE"] = ConfigPath });

        Assert.Equal(2, exitCode);
        Assert.Equal(
            "EnvoyTraceFilter: invalid configuration:\n"
            + $"  Failed to convert configuration value 'ten seconds' at 'TraceFilter:ExtProc:FirstMessageTimeout' to type 'System.TimeSpan'. (set in {ConfigPath})",
            stderr);
    }

    [Fact]
    public async Task Startup_exporter_value_of_the_wrong_type_exits_2_naming_the_environment_variable()
    {
        var (exitCode, stderr) = await RunToExitAsync(new() { ["TraceFilter__Zipkin__QueueCapacity"] = "lots" });

        Assert.Equal(2, exitCode);
        Assert.Equal(
            "EnvoyTraceFilter: invalid configuration:\n"
            + "  Failed to convert configuration value 'lots' at 'TraceFilter:Zipkin:QueueCapacity' to type 'System.Int32'. (set by the environment variable TraceFilter__Zipkin__QueueCapacity)",
            stderr);
    }

    [Fact]
    public async Task Startup_out_of_range_values_in_the_file_exit_2_listing_each()
    {
        File.WriteAllText(ConfigPath, """{ "TraceFilter": { "Sampling": { "Ratio": 1.5 }, "Zipkin": { "QueueCapacity": 0, "ExportTimeout": "00:00:00" } } }""");

        var (exitCode, stderr) = await RunToExitAsync(new() { ["TRACEFILTER_CONFIG_FILE"] = ConfigPath });

        Assert.Equal(2, exitCode);
        var lines = stderr.Split('\n');
        Assert.Equal("EnvoyTraceFilter: invalid configuration:", lines[0]);
        Assert.Equal(
            [
                "  TraceFilter:Sampling:Ratio must be between 0 and 1 (was 1.5)",
                "  TraceFilter:Zipkin:ExportTimeout 00:00:00 must be greater than zero and at most 00:05:00 (a hung collector holds the export loop this long per POST; default 00:00:10).",
                "  TraceFilter:Zipkin:QueueCapacity 0 must be from 1 to 1000000.",
            ],
            lines[1..].Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Startup_missing_sampling_rules_file_fails_naming_the_key_and_the_path()
    {
        var missing = Path.Combine(_directory, "absent-rules.json");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TraceFilter:Sampling:RulesFile"] = missing,
            ["TraceFilter:Zipkin:Enabled"] = "false",
            ["TraceFilter:XRay:Enabled"] = "false",
            ["TraceFilter:Admin:Enabled"] = "false",
        });
        builder.AddTraceFilter();
        await using var app = builder.Build();
        app.MapTraceFilter();

        var error = StartupValidation.Run(app);

        Assert.Equal(
            [$"TraceFilter:Sampling:RulesFile '{missing}' does not exist ({missing}); mount the rules file there or unset the key."],
            TraceFilterHostingExtensions.ConfigurationFailures(error!));
        Assert.Equal(2, await app.RunTraceFilterAsync().WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Startup_invalid_sampling_rules_file_is_reported_under_the_file_key()
    {
        File.WriteAllText(RulesPath, """{ "version": 2, "default": { "fixed_target": 1, "rate": 1.5 } }""");
        var errors = new List<string>();

        var snapshot = FilterSnapshotCompiler.TryCompile(new TraceFilterOptions { Sampling = new SamplingSection { RulesFile = RulesPath } }, errors);

        Assert.Null(snapshot);
        Assert.Equal([$"TraceFilter:Sampling:RulesFile '{RulesPath}' default.rate must be between 0 and 1 (was 1.5)"], errors);
    }

    [Fact]
    public async Task Reload_malformed_json_keeps_the_last_good_configuration_counts_and_a_later_good_file_applies()
    {
        WriteConfig("""{ "TraceFilter": { "Naming": { "FallbackName": "First name", "Header": "x-service-name" } } }""");
        await using var host = await FilterHost.StartAsync(overSocket: false,
            configuration: c => c.AddJsonFile(ConfigPath, optional: false, reloadOnChange: true));
        using var metrics = host.Metrics();
        var snapshots = host.Services.GetRequiredService<FilterSnapshotProvider>();
        Assert.Equal("First name", await ServiceNameAsync(host));

        const string broken = """{ "TraceFilter": { "Naming": { "FallbackName": "Broken name", """;
        var rejected = ReloadEvents.NextAsync(snapshots, applied: false);
        WriteConfig(broken);
        await rejected;

        // The file's settings did not fall back to the defaults ("unknown_service"): its last good content holds.
        Assert.Equal("First name", await ServiceNameAsync(host));
        Assert.Equal(
            [$"configuration file {ConfigPath} is not valid JSON: {JsonError(broken)}"],
            snapshots.Reload());
        Assert.True(metrics.Sum(Reloads, "result=rejected") >= 2);
        Assert.Equal(0, metrics.Sum(Reloads, "result=applied"));

        var applied = ReloadEvents.NextAsync(snapshots, applied: true);
        WriteConfig("""{ "TraceFilter": { "Naming": { "FallbackName": "Second name", "Header": "x-service-name" } } }""");
        await applied;
        Assert.Equal("Second name", await ServiceNameAsync(host));
        Assert.Empty(snapshots.Reload());
    }

    [Fact]
    public async Task Reload_of_a_deleted_file_keeps_its_last_good_content()
    {
        WriteConfig("""{ "TraceFilter": { "Naming": { "FallbackName": "First name", "Header": "x-service-name" } } }""");
        await using var host = await FilterHost.StartAsync(overSocket: false,
            configuration: c => c.AddJsonFile(ConfigPath, optional: false, reloadOnChange: true));
        var snapshots = host.Services.GetRequiredService<FilterSnapshotProvider>();

        var rejected = ReloadEvents.NextAsync(snapshots, applied: false);
        File.Delete(ConfigPath);
        await rejected;

        Assert.Equal("First name", await ServiceNameAsync(host));
        Assert.Equal([$"configuration file {ConfigPath} could not be read: the file is missing"], snapshots.Reload());
    }

    [Fact]
    public async Task Reload_value_failing_validation_keeps_the_last_good_and_a_later_valid_value_applies()
    {
        WriteConfig("""{ "TraceFilter": { "Naming": { "FallbackName": "First name", "Header": "x-service-name" } } }""");
        await using var host = await FilterHost.StartAsync(overSocket: false,
            configuration: c => c.AddJsonFile(ConfigPath, optional: false, reloadOnChange: true));
        using var metrics = host.Metrics();
        var snapshots = host.Services.GetRequiredService<FilterSnapshotProvider>();

        var rejected = ReloadEvents.NextAsync(snapshots, applied: false);
        WriteConfig("""{ "TraceFilter": { "Naming": { "FallbackName": "Second name", "Header": "x-service-name" }, "Sampling": { "Ratio": 2 } } }""");
        await rejected;
        Assert.Equal("First name", await ServiceNameAsync(host));
        Assert.Equal(["TraceFilter:Sampling:Ratio must be between 0 and 1 (was 2)"], snapshots.Reload());

        var applied = ReloadEvents.NextAsync(snapshots, applied: true);
        WriteConfig("""{ "TraceFilter": { "Naming": { "FallbackName": "Second name", "Header": "x-service-name" }, "Sampling": { "Ratio": 0.5 } } }""");
        await applied;
        Assert.Equal("Second name", await ServiceNameAsync(host));
        Assert.True(metrics.Sum(Reloads, "result=rejected") >= 2);
    }

    [Fact]
    public async Task Reload_value_of_the_wrong_type_keeps_the_last_good_and_names_the_key()
    {
        WriteConfig("""{ "TraceFilter": { "Naming": { "FallbackName": "First name", "Header": "x-service-name" } } }""");
        await using var host = await FilterHost.StartAsync(overSocket: false,
            configuration: c => c.AddJsonFile(ConfigPath, optional: false, reloadOnChange: true));
        var snapshots = host.Services.GetRequiredService<FilterSnapshotProvider>();

        var rejected = ReloadEvents.NextAsync(snapshots, applied: false);
        WriteConfig("""{ "TraceFilter": { "Naming": { "FallbackName": "Second name", "Header": "x-service-name" }, "ExtProc": { "FirstMessageTimeout": "soon" } } }""");
        await rejected;

        Assert.Equal("First name", await ServiceNameAsync(host));
        Assert.Equal(
            ["Failed to convert configuration value 'soon' at 'TraceFilter:ExtProc:FirstMessageTimeout' to type 'System.TimeSpan'."],
            snapshots.Reload());
    }

    [Fact]
    public async Task Reload_to_a_missing_rules_file_keeps_the_last_good_rules_until_the_file_appears()
    {
        File.WriteAllText(RulesPath, Rules(rate: 0));
        WriteConfig(RulesConfig(RulesPath, "First name"));
        await using var host = await FilterHost.StartAsync(overSocket: false,
            configuration: c => c.AddJsonFile(ConfigPath, optional: false, reloadOnChange: true));
        using var metrics = host.Metrics();
        var snapshots = host.Services.GetRequiredService<FilterSnapshotProvider>();
        Assert.Equal("0", await SampledAsync(host));

        // The configuration now names a rules file that is not there: refused, rules and name unchanged.
        var moved = Path.Combine(_directory, "moved-rules.json");
        var rejected = ReloadEvents.NextAsync(snapshots, applied: false);
        WriteConfig(RulesConfig(moved, "Second name"));
        await rejected;
        Assert.Equal(
            [$"TraceFilter:Sampling:RulesFile '{moved}' does not exist ({moved}); mount the rules file there or unset the key."],
            snapshots.Reload());
        Assert.Equal("First name", await ServiceNameAsync(host));
        Assert.Equal("0", await SampledAsync(host));

        // The file appearing at the new path is enough: the rules file is watched too.
        var applied = ReloadEvents.NextAsync(snapshots, applied: true);
        File.WriteAllText(moved + ".tmp", Rules(rate: 1));
        File.Move(moved + ".tmp", moved);
        await applied;
        Assert.Equal("1", await SampledAsync(host));
        Assert.Equal("Second name", await ServiceNameAsync(host));
        Assert.True(metrics.Sum(Reloads, "result=rejected") >= 1);
    }

    [Fact]
    public async Task Real_binary_survives_a_malformed_reload_logs_it_and_applies_the_next_good_file()
    {
        WriteConfig("""{ "TraceFilter": { "Naming": { "FallbackName": "first-name", "Header": "x-service-name" } } }""");
        await using var filter = await FilterProcess.StartAsync(new Dictionary<string, string?> { ["TRACEFILTER_CONFIG_FILE"] = ConfigPath });
        Assert.Equal("first-name", await ServiceNameAsync(filter));

        const string broken = """{ "TraceFilter": { "Naming": { "FallbackName": "broken", """;
        var rejected = filter.WaitForEventAsync(101);
        WriteConfig(broken);
        var log = await rejected;
        Assert.Equal($"configuration file {ConfigPath} is not valid JSON: {JsonError(broken)}", log.GetProperty("State").GetProperty("Errors").GetString());
        Assert.Equal("first-name", await ServiceNameAsync(filter));

        var applied = filter.WaitForEventAsync(100);
        WriteConfig("""{ "TraceFilter": { "Naming": { "FallbackName": "second-name", "Header": "x-service-name" } } }""");
        await applied;
        Assert.Equal("second-name", await ServiceNameAsync(filter));
        Assert.False(filter.Exited.IsCompleted);
    }

    /// <summary>What System.Text.Json says about <paramref name="json"/>, read as the configuration reader reads files.</summary>
    private static string JsonError(string json)
    {
        var error = Assert.ThrowsAny<System.Text.Json.JsonException>(() => System.Text.Json.JsonDocument.Parse(json,
            new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true }));
        return error.Message;
    }

    private static string Rules(int rate) =>
        $$"""{ "version": 2, "default": { "fixed_target": 0, "rate": {{rate}} } }""";

    private static string RulesConfig(string rulesFile, string fallback) =>
        $$"""{ "TraceFilter": { "Naming": { "FallbackName": "{{fallback}}", "Header": "x-service-name" }, "Sampling": { "TrustIncoming": "Never", "RulesFile": {{System.Text.Json.JsonSerializer.Serialize(rulesFile)}} } } }""";

    private static async Task<string?> ServiceNameAsync(FilterHost host) =>
        (await Emulation.For(host).SendAsync(Emulation.Get("evil.test")).DefaultTimeout()).Upstream!.Get("x-service-name");

    private static async Task<string?> SampledAsync(FilterHost host) =>
        (await Emulation.For(host).SendAsync(Emulation.Get("evil.test")).DefaultTimeout()).Upstream!.Get("x-b3-sampled");

    private static async Task<string?> ServiceNameAsync(FilterProcess filter)
    {
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(filter.ExtProcAddress);
        var exchange = await new EnvoyEmulator.EnvoyExtProcEmulator(channel, Emulation.ForTests).SendAsync(Emulation.Get("evil.test")).DefaultTimeout();
        return exchange.Upstream!.Get("x-service-name");
    }

    /// <summary>Runs the real binary expecting it to stop at startup: its exit code and standard error.</summary>
    private static async Task<(int ExitCode, string StandardError)> RunToExitAsync(Dictionary<string, string?> environment)
    {
        await using var filter = await FilterProcess.StartAsync(environment, waitForListening: false);
        var exitCode = await filter.Exited.WaitAsync(TimeSpan.FromSeconds(60));
        return (exitCode, filter.StandardError);
    }

    private void WriteConfig(string json)
    {
        File.WriteAllText(ConfigPath + ".tmp", json);
        File.Move(ConfigPath + ".tmp", ConfigPath, overwrite: true);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
