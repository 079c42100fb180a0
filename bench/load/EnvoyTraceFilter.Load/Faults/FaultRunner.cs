using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using EnvoyTraceFilter.Load.Measurement;
using EnvoyTraceFilter.Load.Suite;

namespace EnvoyTraceFilter.Load.Faults;

/// <summary>
/// `faults`: does a broken collector add latency to requests? The filter runs at a fixed request rate, every request
/// sampled, against each collector fault in turn (a fresh server process per run, modes alternating per rep), and the
/// latency percentiles are set against the healthy runs. The export counters are read from /metrics after each run.
/// </summary>
internal static class FaultRunner
{
    public static int Run(FaultOptions options)
    {
        Directory.CreateDirectory(options.OutDir);
        var jsonl = Path.Combine(options.OutDir, "runs.jsonl");
        File.Delete(jsonl);
        var profile = RequestProfile.Build(options.Profile, DateTimeOffset.UtcNow);
        var modes = options.Modes.Select(FaultMode.Get).ToList();
        var started = DateTimeOffset.UtcNow;
        var loadBefore = ProcFs.LoadAverage();
        Console.WriteLine($"faults: {modes.Count} modes × {options.Reps} reps at {options.Rate:F0} req/s, load average {loadBefore}");

        var sinks = SpanSinks.StartAsync().GetAwaiter().GetResult();
        var runs = new List<FaultRun>();
        try
        {
            for (int rep = 1; rep <= options.Reps; rep++)
            {
                foreach (var mode in modes)
                {
                    FaultRun run;
                    try
                    {
                        run = RunOne(options, profile, sinks, mode, rep);
                    }
                    catch (InvalidOperationException e)
                    {
                        Console.WriteLine($"  {mode.Name}#{rep} FAILED: {e.Message}");
                        continue;
                    }

                    runs.Add(run);
                    File.AppendAllText(jsonl, JsonSerializer.Serialize(run.Result, RunResultJson.Options) + Environment.NewLine);
                    Console.WriteLine("  " + run.Result.Summary);
                    Console.WriteLine("    " + string.Join("  ", run.ExportCounters.Select(c => $"{c.Key}={c.Value}")));
                }
            }
        }
        finally
        {
            sinks.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        var markdown = Render(options, modes, runs, started, loadBefore, ProcFs.LoadAverage());
        var path = Path.Combine(options.OutDir, "faults.md");
        File.WriteAllText(path, markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"written: {path}, {jsonl}");
        return runs.Count == modes.Count * options.Reps ? 0 : 1;
    }

    private static FaultRun RunOne(FaultOptions options, RequestProfile profile, SpanSinks sinks, FaultMode mode, int rep)
    {
        var port = FreePort.Next();
        var adminPort = FreePort.Next();
        var zipkinEndpoint = $"http://127.0.0.1:{sinks.ZipkinPort}/api/v2/spans";
        var xrayAddress = $"127.0.0.1:{sinks.XRayPort}";
        sinks.ZipkinFault = mode.Name switch
        {
            "zipkin-hang" => ZipkinSinkFault.Hang,
            "zipkin-500" => ZipkinSinkFault.Status500,
            "zipkin-slow" => ZipkinSinkFault.Slow,
            _ => ZipkinSinkFault.None,
        };
        switch (mode.Name)
        {
            case "zipkin-refused":
                zipkinEndpoint = $"http://127.0.0.1:{FreePort.Next()}/api/v2/spans";
                break;
            case "xray-dead":
                xrayAddress = $"127.0.0.1:{ClosedUdpPort()}";
                break;
            case "xray-unresolvable":
                xrayAddress = "xray-daemon.invalid:2000";
                break;
        }

        try
        {
            var environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["TraceFilter__Port"] = port.ToString(CultureInfo.InvariantCulture),
                ["TraceFilter__ListenAddress"] = "127.0.0.1",
                ["TraceFilter__Admin__Port"] = adminPort.ToString(CultureInfo.InvariantCulture),
                ["TraceFilter__Admin__ListenAddress"] = "127.0.0.1",
                ["TraceFilter__Zipkin__Endpoint"] = zipkinEndpoint,
                ["TraceFilter__XRay__DaemonAddress"] = xrayAddress,
                // As the suite's hop-sampled configuration: every request sampled and sent to both exporters.
                ["TraceFilter__Sampling__Strategy"] = "Always",
                ["TraceFilter__XRay__TraceIdPolicy"] = "Passthrough",
                ["TraceFilter__ClientIdentity__TrustedHops"] = "1",
                ["TraceFilter__Naming__Rules__0__Pattern"] = "*.example.com",
            };
            var log = Path.Combine(options.OutDir, $"{mode.Name}.{rep}.log");
            using var server = ServerProcess.Start(options.FilterBin, [], environment, port, log);
            var result = LoadRun.Execute(new LoadOptions
            {
                Target = new IPEndPoint(IPAddress.Loopback, port),
                Connections = options.Connections,
                Rate = options.Rate,
                Warmup = TimeSpan.FromSeconds(options.WarmupSeconds),
                Duration = TimeSpan.FromSeconds(options.DurationSeconds),
                Profile = options.Profile,
                ServerPid = server.Pid,
                Label = $"{mode.Name}#{rep}",
            }, profile);
            return new FaultRun(mode.Name, rep, result, ReadExportCounters(adminPort));
        }
        finally
        {
            sinks.ZipkinFault = ZipkinSinkFault.None;
        }
    }

    /// <summary>The export series of the filter's /metrics (spans by outcome, errors by cause, queue depth).</summary>
    private static SortedDictionary<string, string> ReadExportCounters(int adminPort)
    {
        var counters = new SortedDictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var text = http.GetStringAsync(new Uri($"http://127.0.0.1:{adminPort}/metrics")).GetAwaiter().GetResult();
            foreach (var line in text.Split('\n'))
            {
                if (!line.StartsWith("tracefilter_export_", StringComparison.Ordinal))
                {
                    continue;
                }

                var space = line.LastIndexOf(' ');
                var series = line[..space].Replace("tracefilter_export_", "", StringComparison.Ordinal)
                    .Replace(",otel_scope_name=\"EnvoyTraceFilter\"", "", StringComparison.Ordinal)
                    .Replace("otel_scope_name=\"EnvoyTraceFilter\",", "", StringComparison.Ordinal);
                counters[series] = line[(space + 1)..].Trim();
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            counters["metrics"] = "unavailable: " + e.Message;
        }

        return counters;
    }

    private static int ClosedUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static string Render(FaultOptions options, List<FaultMode> modes, List<FaultRun> runs, DateTimeOffset started, string loadBefore, string loadAfter)
    {
        static string F(double? v) => v is null ? "-" : v.Value.ToString(v.Value >= 100 ? "F0" : "F1", CultureInfo.InvariantCulture);
        static double? Median(IEnumerable<double?> values)
        {
            var sorted = values.Where(v => v is not null).Select(v => v!.Value).Order().ToList();
            return sorted.Count == 0 ? null : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }

        var healthy = runs.Where(r => r.Mode == "healthy").ToList();
        var healthyP50 = Median(healthy.Select(r => r.Result.TotalP50Us));
        var healthyP99 = Median(healthy.Select(r => r.Result.TotalP99Us));
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Fixed rate {options.Rate:F0} req/s ({options.Profile} profile, {options.Connections} connections), {options.WarmupSeconds:F0} s warm-up + {options.DurationSeconds:F0} s measured per run, {options.Reps} rep(s), modes alternating, fresh filter process per run, 100 % sampled to Zipkin and X-Ray. Started {started:yyyy-MM-dd HH:mm} UTC; load average before {loadBefore}, after {loadAfter}.");
        md.AppendLine();
        md.AppendLine("| mode | what | runs | total p50 µs | vs healthy | total p99 µs | vs healthy | p99.9 µs | errors | phases > 100 ms | CPU µs/req | exceptions/req | peak RSS MiB |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var mode in modes)
        {
            var mine = runs.Where(r => r.Mode == mode.Name).ToList();
            if (mine.Count == 0)
            {
                continue;
            }

            var p50 = Median(mine.Select(r => r.Result.TotalP50Us));
            var p99 = Median(mine.Select(r => r.Result.TotalP99Us));
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {mode.Name} | {mode.Title} | {mine.Count} | {F(p50)} | {Ratio(p50, healthyP50)} | {F(p99)} | {Ratio(p99, healthyP99)} | {F(Median(mine.Select(r => r.Result.TotalP999Us)))} | {mine.Sum(r => r.Result.ErrorCount)} | {mine.Sum(r => r.Result.PhasesOverMessageTimeout)} | {F(Median(mine.Select(r => r.Result.ServerCpuUsPerRequest)))} | {Median(mine.Select(r => r.Result.ServerExceptionsPerRequest))?.ToString("F3", CultureInfo.InvariantCulture) ?? "-"} | {F(Median(mine.Select(r => r.Result.ServerPeakRssMiB)))} |");
        }

        md.AppendLine();
        md.AppendLine("Export counters at the end of the last run of each mode (warm-up, measured window and the drain after it):");
        md.AppendLine();
        foreach (var mode in modes)
        {
            if (runs.LastOrDefault(r => r.Mode == mode.Name) is { } last)
            {
                var counters = string.Join(", ", last.ExportCounters.Select(c => $"`{c.Key}` {c.Value}"));
                md.AppendLine(CultureInfo.InvariantCulture, $"- `{mode.Name}`: {counters}");
            }
        }

        return md.ToString();
    }

    private static string Ratio(double? value, double? baseline) =>
        value is null || baseline is null or 0 ? "-" : (value.Value / baseline.Value).ToString("F2", CultureInfo.InvariantCulture) + "×";

    private sealed record FaultRun(string Mode, int Rep, RunResult Result, SortedDictionary<string, string> ExportCounters);
}
