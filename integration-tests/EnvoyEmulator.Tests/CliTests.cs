using System.Diagnostics;
using Envoy.Service.ExtProc.V3;
using EnvoyEmulator.Tests.Infrastructure;

namespace EnvoyEmulator.Tests;

/// <summary>The envoy-emulator CLI, run as a process against a fake server on 127.0.0.1:0.</summary>
public sealed class CliTests
{
    [Fact]
    public async Task Cli_prints_the_exchange_and_exits_0_when_processed()
    {
        await using var host = await ExtProcHost.KestrelAsync(Scripts.Answer(r =>
            r.RequestCase == ProcessingRequest.RequestOneofCase.RequestHeaders
                ? Responses.RequestHeaders(Responses.Set(("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00000000000000b1-01")))
                : Responses.Continue(r)));
        var (exit, output) = await RunAsync(host, "--authority", "api.example.com", "--path", "/", "-H",
            "x-cloud-trace-context: 4bf92f3577b34da6a3ce929d0e0e4736/177;o=1", "--peer", "198.51.100.7:50000",
            "--status", "200", "--response-header", "content-length: 12", "--count", "2",
            "--timeout-ms", "5000"); // a cold process must not time out by accident; timeouts are tested below

        Assert.True(exit == 0, output);
        Assert.Contains("request_headers sent (end_of_stream: true):", output);
        Assert.Contains("  x-cloud-trace-context: 4bf92f3577b34da6a3ce929d0e0e4736/177;o=1", output);
        Assert.Contains("  attribute source.address: \"198.51.100.7:50000\"", output);
        Assert.Contains("  traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00000000000000b1-01", output);
        Assert.Contains("client got: 200 (via_upstream)", output);
        Assert.Contains("== request 2 ==", output);
        Assert.Contains("outcome: Processed", output);
        Assert.Contains("streams_started: 2", output);
        Assert.Contains("stream_msgs_received: 4", output);
    }

    [Fact]
    public async Task Cli_exits_non_zero_when_not_processed()
    {
        await using var host = await ExtProcHost.KestrelAsync(Scripts.NeverAnswer);
        var (exit, output) = await RunAsync(host, "--timeout-ms", "50");

        Assert.Equal(1, exit);
        Assert.Contains("outcome: FailOpenTimeout", output);
        Assert.Contains("message_timeouts: 1", output);
    }

    [Fact]
    public async Task Cli_rejects_unknown_options_with_exit_2()
    {
        await using var host = await ExtProcHost.KestrelAsync();
        var (exit, _) = await RunAsync(host, "--bogus", "1");

        Assert.Equal(2, exit);
    }

    [Fact]
    public async Task Cli_with_envoy_yaml_sends_only_the_forwarded_headers()
    {
        await using var host = await ExtProcHost.KestrelAsync();
        var yaml = EnvoyYamlConfig.FindRepositoryFile(AppContext.BaseDirectory);
        var (exit, output) = await RunAsync(host, "--envoy-yaml", yaml, "--authority", "api.example.com",
            "-H", "cookie: session=1", "-H", "x-cloud-trace-context: 4bf92f3577b34da6a3ce929d0e0e4736/177;o=1",
            "--timeout-ms", "5000"); // overrides envoy.yaml's 100 ms: a cold process must not time out by accident

        Assert.True(exit == 0, output);
        var sent = output[output.IndexOf("request_headers sent", StringComparison.Ordinal)..output.IndexOf("upstream received", StringComparison.Ordinal)];
        Assert.Contains("  x-cloud-trace-context: 4bf92f3577b34da6a3ce929d0e0e4736/177;o=1", sent);
        Assert.DoesNotContain("cookie", sent); // outside envoy.yaml's forward_rules...
        Assert.Contains("  cookie: session=1", output); // ...but the app still gets it
    }

    [Fact]
    public async Task Cli_rejects_a_bad_envoy_yaml_with_its_path_and_exit_2()
    {
        await using var host = await ExtProcHost.KestrelAsync();
        var file = Path.Combine(Path.GetTempPath(), $"envoy-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, "static_resources: {}\nadmn: {}\n");
        try
        {
            var (exit, output) = await RunAsync(host, "--envoy-yaml", file);

            Assert.Equal(2, exit);
            Assert.Contains($"envoy-emulator: {Path.GetFileName(file)}: admn (line 2): unknown field", output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Cli_load_drives_envoys_frames_and_reports_rate_and_stream_errors()
    {
        await using var host = await ExtProcHost.KestrelAsync(Scripts.ContinueThenFinishEarly);
        var (exit, output) = await RunAsync(host, ["--connections", "1", "--concurrency", "4", "--seconds", "1", "--warmup", "0.2"], "load");

        Assert.True(exit == 0, output);
        Assert.Matches(@"close=envoy connections=1 concurrency=4 seconds=\d+\.\d", output);
        Assert.Matches(@"requests=[1-9]\d* req/s=[1-9]\d*", output);
        Assert.Contains("stream errors=0 (warm-up: 0)", output);
    }

    private static Task<(int Exit, string Output)> RunAsync(ExtProcHost host, params string[] args) => RunAsync(host, args, null);

    private static async Task<(int Exit, string Output)> RunAsync(ExtProcHost host, string[] args, string? command)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "envoy-emulator.dll"));
        if (command is not null)
        {
            start.ArgumentList.Add(command);
        }

        start.ArgumentList.Add("--target");
        start.ArgumentList.Add(host.Channel.Target.StartsWith("http", StringComparison.Ordinal)
            ? host.Channel.Target
            : "http://" + host.Channel.Target);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }

        return (process.ExitCode, await output.Within() + await error.Within());
    }
}
