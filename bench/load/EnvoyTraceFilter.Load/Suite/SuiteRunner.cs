using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using EnvoyTraceFilter.Load.Measurement;

namespace EnvoyTraceFilter.Load.Suite;

/// <summary>
/// `make bench-load`: the null server and the filter configurations in one invocation, alternating so slow drifts
/// of the shared machine hit every configuration alike, each run in a fresh server process; then the ratio table.
/// </summary>
internal static class SuiteRunner
{
    public static int Run(SuiteOptions options)
    {
        Directory.CreateDirectory(options.OutDir);
        var jsonl = Path.Combine(options.OutDir, "runs.jsonl");
        File.Delete(jsonl);
        var profile = RequestProfile.Build(options.Profile, DateTimeOffset.UtcNow);
        var scenarios = options.Scenarios.Select(Scenario.Get).ToList();
        var started = DateTimeOffset.UtcNow;
        var loadBefore = ProcFs.LoadAverage();
        Console.WriteLine($"bench-load: {scenarios.Count} configurations × {options.Reps} reps, load average {loadBefore}");

        var sinks = SpanSinks.StartAsync().GetAwaiter().GetResult();
        var samples = new List<Sample>();
        try
        {
            for (int rep = 1; rep <= options.Reps; rep++)
            {
                foreach (var scenario in scenarios)
                {
                    Sample sample;
                    try
                    {
                        sample = RunOne(options, profile, sinks, scenario, rep);
                    }
                    catch (InvalidOperationException e)
                    {
                        Console.WriteLine($"  {scenario.Name}#{rep} FAILED: {e.Message}");
                        sample = new Sample(scenario.Name, rep, null, null, 0, 0, 0);
                    }

                    samples.Add(sample);
                    foreach (var result in new[] { sample.Closed, sample.Open })
                    {
                        if (result is not null)
                        {
                            File.AppendAllText(jsonl, JsonSerializer.Serialize(result, RunResultJson.Options) + Environment.NewLine);
                            Console.WriteLine("  " + result.Summary);
                        }
                    }
                }
            }
        }
        finally
        {
            sinks.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        var markdown = RatioTable.Render(options, scenarios, samples, new MachineInfo(started, loadBefore, ProcFs.LoadAverage()));
        var path = Path.Combine(options.OutDir, "bench-load.md");
        File.WriteAllText(path, markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"written: {path}, {jsonl}");
        return samples.Any(s => s.Closed is null || s.Closed.Completed == 0) ? 1 : 0;
    }

    private static Sample RunOne(SuiteOptions options, RequestProfile profile, SpanSinks sinks, Scenario scenario, int rep)
    {
        int port = FreePort.Next();
        var log = Path.Combine(options.OutDir, $"{scenario.Name}.{rep}.log");
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        string executable;
        List<string> arguments;
        if (scenario.IsNull)
        {
            executable = options.NullBin;
            arguments = ["--port", port.ToString(CultureInfo.InvariantCulture)];
        }
        else
        {
            executable = options.FilterBin;
            arguments = [];
            environment["TraceFilter__Port"] = port.ToString(CultureInfo.InvariantCulture);
            environment["TraceFilter__ListenAddress"] = "127.0.0.1";
            // No fixed ports: the admin listener (when the build has one) stays off, exporters go to the sinks.
            environment["TraceFilter__Admin__Enabled"] = "false";
            environment["TraceFilter__Zipkin__Endpoint"] = $"http://127.0.0.1:{sinks.ZipkinPort}/api/v2/spans";
            environment["TraceFilter__XRay__DaemonAddress"] = $"127.0.0.1:{sinks.XRayPort}";
            foreach (var (key, value) in scenario.Settings)
            {
                environment[key] = value;
            }
        }

        sinks.TakeCounts();
        using var server = ServerProcess.Start(executable, arguments, environment, port, log);
        var target = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port);
        var closed = LoadRun.Execute(new LoadOptions
        {
            Target = target,
            Connections = options.Connections,
            Concurrency = options.Concurrency,
            Warmup = TimeSpan.FromSeconds(options.WarmupSeconds),
            Duration = TimeSpan.FromSeconds(options.DurationSeconds),
            Profile = options.Profile,
            ServerPid = server.Pid,
            Label = $"{scenario.Name}#{rep}",
        }, profile);
        var (posts, spans, datagrams) = sinks.TakeCounts();
        RunResult? open = null;
        if (options.Rate > 0)
        {
            open = LoadRun.Execute(new LoadOptions
            {
                Target = target,
                Connections = options.Connections,
                Rate = options.Rate,
                Warmup = TimeSpan.FromSeconds(options.RateWarmupSeconds),
                Duration = TimeSpan.FromSeconds(options.RateDurationSeconds),
                Profile = options.Profile,
                ServerPid = server.Pid,
                Label = $"{scenario.Name}#{rep}@{options.Rate:F0}",
            }, profile);
        }

        return new Sample(scenario.Name, rep, closed, open, posts, spans, datagrams);
    }
}

/// <summary>One scenario's runs in one rep, with what the sinks received during the closed-loop run.</summary>
internal sealed record Sample(string Scenario, int Rep, RunResult? Closed, RunResult? Open, long ZipkinPosts, long ZipkinSpans, long XRayDatagrams);

internal sealed record MachineInfo(DateTimeOffset Started, string LoadBefore, string LoadAfter)
{
    public string Describe() =>
        $"{Environment.ProcessorCount} CPUs ({ProcFs.CpuModel()}), {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}";
}
