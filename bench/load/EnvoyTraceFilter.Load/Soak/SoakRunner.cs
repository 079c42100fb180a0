using System.Diagnostics;
using System.Globalization;
using System.Net;
using EnvoyTraceFilter.Load.Measurement;
using EnvoyTraceFilter.Load.Suite;

namespace EnvoyTraceFilter.Load.Soak;

/// <summary>
/// `make bench-soak`: the published filter under mixed traffic at a fixed rate for a long run, both exporters on and
/// pointed at live in-process collectors, its RSS, GC heap, threads and open fds sampled every interval; then the CSV,
/// the trend (flat or not) as Markdown and a PNG plot.
/// </summary>
internal static class SoakRunner
{
    public static int Run(SoakOptions options)
    {
        var started = DateTimeOffset.UtcNow;
        var name = (options.Name ?? started.ToString("yyyy-MM-dd-HHmm", CultureInfo.InvariantCulture)) + "-soak";
        Directory.CreateDirectory(options.OutDir);
        var loadBefore = ProcFs.LoadAverage();
        var sinks = SpanSinks.StartAsync().GetAwaiter().GetResult();
        try
        {
            int port = FreePort.Next();
            int adminPort = FreePort.Next();
            // A dead X-Ray daemon: a UDP port nothing listens on (ICMP port unreachable on loopback).
            int xrayPort = options.DeadXRay ? FreePort.Next() : sinks.XRayPort;
            var environment = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["TraceFilter__Port"] = port.ToString(CultureInfo.InvariantCulture),
                ["TraceFilter__ListenAddress"] = "127.0.0.1",
                ["TraceFilter__Admin__Enabled"] = "true",
                ["TraceFilter__Admin__Port"] = adminPort.ToString(CultureInfo.InvariantCulture),
                ["TraceFilter__Admin__ListenAddress"] = "127.0.0.1",
                ["TraceFilter__Zipkin__Enabled"] = "true",
                ["TraceFilter__Zipkin__Endpoint"] = $"http://127.0.0.1:{sinks.ZipkinPort}/api/v2/spans",
                ["TraceFilter__XRay__Enabled"] = "true",
                ["TraceFilter__XRay__DaemonAddress"] = $"127.0.0.1:{xrayPort}",
                // Cloud Trace and W3C ids carry no X-Ray epoch: send them too, so X-Ray sees every sampled request.
                ["TraceFilter__XRay__TraceIdPolicy"] = "Passthrough",
                ["TraceFilter__ClientIdentity__TrustedHops"] = "1",
                // Named by host: 150 hosts against MaxDistinctNames 100, so the cap and its fallback run all along.
                ["TraceFilter__Naming__Rules__0__Pattern"] = "*.example.com",
            };
            var log = Path.Combine(Path.GetTempPath(), $"{name}.filter.log");
            using var server = ServerProcess.Start(options.FilterBin, [], environment, port, log);
            Console.WriteLine($"bench-soak: filter pid {server.Pid} on :{port} (admin :{adminPort}, log {log}), {options.Rate:F0} req/s "
                + $"for {options.Minutes:F1} min, sample every {options.IntervalSeconds:F0} s, load average {loadBefore}");

            var profile = RequestProfile.BuildMixed(DateTimeOffset.UtcNow);
            RunResult? result = null;
            Exception? loadError = null;
            var load = new Thread(() =>
            {
                try
                {
                    result = LoadRun.Execute(new LoadOptions
                    {
                        Target = new IPEndPoint(IPAddress.Loopback, port),
                        Connections = options.Connections,
                        Rate = options.Rate,
                        Warmup = TimeSpan.FromSeconds(2),
                        Duration = TimeSpan.FromMinutes(options.Minutes),
                        Profile = profile.Name,
                        ServerPid = server.Pid,
                        Label = "soak",
                    }, profile);
                }
                catch (Exception e) when (e is InvalidOperationException or IOException or System.Net.Sockets.SocketException or TimeoutException)
                {
                    loadError = e;
                }
            }) { IsBackground = true, Name = "soak-load" };

            var samples = new List<SoakSample>();
            long zipkinSpans = 0, xrayDatagrams = 0;
            using var sampler = new SoakSampler(server.Pid, new Uri($"http://127.0.0.1:{adminPort}/metrics"));
            var csvPath = Path.Combine(options.OutDir, name + ".csv");
            using (var csv = new StreamWriter(csvPath) { AutoFlush = true })
            {
                csv.WriteLine(SoakSample.CsvHeader);
                long origin = Stopwatch.GetTimestamp();
                double Elapsed() => Stopwatch.GetElapsedTime(origin).TotalSeconds;
                void Sample()
                {
                    var (_, spans, datagrams) = sinks.TakeCounts();
                    zipkinSpans += spans;
                    xrayDatagrams += datagrams;
                    var sample = sampler.Take(Math.Round(Elapsed(), 1), zipkinSpans, xrayDatagrams);
                    if (samples.Count > 0 && samples[^1] is { Streams: { } before } previous && sample.Streams is { } now && sample.ElapsedSeconds > previous.ElapsedSeconds)
                    {
                        sample = sample with { StreamsPerSecond = (now - before) / (sample.ElapsedSeconds - previous.ElapsedSeconds) };
                    }

                    samples.Add(sample);
                    csv.WriteLine(sample.ToCsv());
                    Console.WriteLine($"  {sample.ElapsedSeconds,6:F0} s  rss {sample.RssMiB,7:F1} MiB  gc heap {sample.GcHeapMiB,6:F1} MiB  threads {sample.Threads,3}  fds {sample.OpenFds,4}  streams {sample.Streams,9} ({sample.StreamsPerSecond,6:F0}/s)"
                        + (sampler.LastError is { } error ? $"  ({error})" : ""));
                }

                Sample(); // before the load: the idle process
                load.Start();
                for (int i = 1; load.IsAlive; i++)
                {
                    var due = TimeSpan.FromSeconds(i * options.IntervalSeconds) - Stopwatch.GetElapsedTime(origin);
                    if (due > TimeSpan.Zero && load.Join(due))
                    {
                        break;
                    }

                    Sample();
                }

                Sample(); // after the load and its drain
            }

            if (result is null)
            {
                Console.Error.WriteLine($"bench-soak: the load failed: {loadError?.Message ?? "no result"}");
                return 1;
            }

            Console.WriteLine("  " + result.Summary);
            var report = SoakReport.Write(options, name, started, loadBefore, ProcFs.LoadAverage(), samples, result, csvPath);
            Console.WriteLine();
            Console.WriteLine(File.ReadAllText(report));
            return result.Completed > 0 ? 0 : 1;
        }
        finally
        {
            sinks.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
