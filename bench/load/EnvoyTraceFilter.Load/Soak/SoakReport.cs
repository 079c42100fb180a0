using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using EnvoyTraceFilter.Load.Measurement;

namespace EnvoyTraceFilter.Load.Soak;

/// <summary>The soak's Markdown report (figures and trends) and its plot (a gnuplot script, rendered to PNG when gnuplot is installed).</summary>
internal static class SoakReport
{
    public static string Write(SoakOptions options, string name, DateTimeOffset started, string loadBefore, string loadAfter,
        IReadOnlyList<SoakSample> samples, RunResult result, string csvPath)
    {
        // The first sample is the idle process before the load, the last one follows the drain: neither is steady state.
        var steady = samples.Skip(1).SkipLast(1).Where(s => s.ElapsedSeconds >= options.WarmupMinutes * 60).ToList();
        var trends = new[]
        {
            SoakTrend.Of("RSS", "MiB", 2, steady.Select(s => (s.ElapsedSeconds, s.RssMiB))),
            SoakTrend.Of("GC heap after last collection", "MiB", 1, steady.Select(s => (s.ElapsedSeconds, s.GcHeapMiB))),
            SoakTrend.Of("GC committed", "MiB", 2, steady.Select(s => (s.ElapsedSeconds, s.GcCommittedMiB))),
            SoakTrend.Of("threads (process)", "", 1, steady.Select(s => (s.ElapsedSeconds, (double?)s.Threads))),
            SoakTrend.Of("thread-pool threads", "", 1, steady.Select(s => (s.ElapsedSeconds, (double?)s.ThreadPoolThreads))),
            SoakTrend.Of("open fds", "", 1, steady.Select(s => (s.ElapsedSeconds, (double?)s.OpenFds))),
        }.OfType<SoakTrend>().ToList();

        var png = Path.Combine(options.OutDir, name + ".png");
        var plotted = Plot(options, name, csvPath, png);
        var last = samples[^1];
        var md = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        md.AppendLine(c, $"# Soak: {options.Minutes:F0} minutes of mixed traffic at {options.Rate:F0} req/s ({started:yyyy-MM-dd HH:mm} UTC)");
        md.AppendLine();
        md.AppendLine("Command: `make bench-soak SOAK_MINUTES=" + options.Minutes.ToString("0.##", c) + "` (`EnvoyTraceFilter.Load soak`, "
            + $"`--rate {options.Rate:F0} --connections {options.Connections} --interval-seconds {options.IntervalSeconds:F0} --warmup-minutes {options.WarmupMinutes:0.##}"
            + (options.DeadXRay ? " --dead-xray" : "") + "`).");
        md.AppendLine();
        md.AppendLine("## Setup");
        md.AppendLine();
        md.AppendLine(c, $"- Machine: {Environment.ProcessorCount} CPUs ({ProcFs.CpuModel()}), {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}; "
            + $"load average before {loadBefore}, after {loadAfter}. The load generator, the collectors and the filter share these cores with other work.");
        md.AppendLine("- Filter: the published build (`make publish`'s output, framework-dependent, Release), its own process, default configuration plus: "
            + "Zipkin and X-Ray on, `XRay:TraceIdPolicy=Passthrough`, `ClientIdentity:TrustedHops=1`, `Naming:Rules:0:Pattern=*.example.com`, admin listener on for `/metrics`.");
        md.AppendLine("- Collectors: in-process Zipkin (HTTP 202) " + (options.DeadXRay
            ? "and a **dead X-Ray daemon** (a UDP port nothing listens on)."
            : "and X-Ray daemon (UDP) stand-ins, both alive, counting what arrives."));
        md.AppendLine(c, $"- Traffic: the load generator's Envoy-exact ext_proc client (raw HTTP/2, Envoy's close), open loop, {options.Connections} connections, profile `mixed`: "
            + $"trace formats rotating Cloud Trace, traceparent, X-Ray, B3 (multi and single), none; half asking sampled, half unsampled (requests without context: default X-Ray rules, 1/s + 5 %); "
            + $"{RequestProfile.MixedHosts} hosts; X-Forwarded-For of 1 to 3 entries; 1 in 11 responses a 503.");
        md.AppendLine(c, $"- Sampling: every {options.IntervalSeconds:F0} s, RSS, threads (`/proc/PID/status`), open fds (`/proc/PID/fd`), GC heap after the last collection, GC committed and thread-pool threads (the filter's `/metrics`, runtime meter). "
            + $"The first {options.WarmupMinutes:0.##} minutes are warm-up and left out of the trend.");
        md.AppendLine();
        md.AppendLine("## Traffic");
        md.AppendLine();
        md.AppendLine("| requests completed | rate | errors | total latency p50 / p99 / p99.9 / max | phases over 100 ms | server CPU | server alloc | exceptions | GCs (gen1, gen2) | peak RSS |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        md.AppendLine(c, $"| {result.Completed:N0} | {result.Rps:F0} req/s | {result.ErrorCount}{(result.Errors.Count == 0 ? "" : " (" + string.Join(", ", result.Errors.Select(e => $"{e.Key} {e.Value}")) + ")")} "
            + $"| {Us(result.TotalP50Us)} / {Us(result.TotalP99Us)} / {Us(result.TotalP999Us)} / {Us(result.TotalMaxUs)} | {result.PhasesOverMessageTimeout} "
            + $"| {Show(result.ServerCpuUsPerRequest)} µs/req ({Show(result.ServerCores)} cores) | {Show(result.ServerAllocBytesPerRequest)} B/req | {Show(result.ServerExceptionsPerRequest)}/req "
            + $"| {Show(result.ServerGcCount)} ({Show(result.ServerGen1Count)}, {Show(result.ServerGen2Count)}) | {Show(result.ServerPeakRssMiB)} MiB |");
        md.AppendLine();
        md.AppendLine(c, $"Export (cumulative at the end): filter counted {last.SpansExported:N0} spans exported and {last.SpansNotExported:N0} not exported "
            + $"(`tracefilter.export.spans`, both exporters); the Zipkin stand-in received {last.ZipkinSpansReceived:N0} spans, the X-Ray stand-in {last.XRayDatagramsReceived:N0} datagrams.");
        md.AppendLine();
        md.AppendLine("## Trend after warm-up");
        md.AppendLine();
        md.AppendLine("Least-squares slope over the steady samples; **flat** when |slope| ≤ max(2 % of the mean, floor) per 10 minutes "
            + "(floors: RSS and GC committed 2 MiB, GC heap 1 MiB, threads and fds 1).");
        md.AppendLine();
        md.AppendLine("| series | samples | min | max | mean | first → last | slope per 10 min | tolerance | verdict |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var t in trends)
        {
            md.AppendLine(c, $"| {t.Series}{(t.Unit.Length > 0 ? $" ({t.Unit})" : "")} | {t.Samples} | {t.Min:0.#} | {t.Max:0.#} | {t.Mean:0.#} | {t.First:0.#} → {t.Last:0.#} "
                + $"| {t.SlopePer10Min:+0.00;-0.00;0.00} | ±{t.Tolerance:0.00} | {(t.Flat ? "flat" : "**not flat**")} |");
        }

        md.AppendLine();
        md.AppendLine(trends.Count > 0 && trends.All(t => t.Flat)
            ? "Verdict: **flat** — every series stays within its tolerance after warm-up."
            : $"Verdict: **not flat** — {string.Join(", ", trends.Where(t => !t.Flat).Select(t => t.Series))} outside the tolerance (see the plot and the CSV).");
        md.AppendLine();
        md.AppendLine($"Files: `{Path.GetFileName(csvPath)}` (one row per sample), "
            + (plotted ? $"`{Path.GetFileName(png)}` (plot), " : "no plot (gnuplot not installed: `apt-get install gnuplot-nox`), ")
            + $"`{name}.gp` (its gnuplot script).");
        var mdPath = Path.Combine(options.OutDir, name + ".md");
        File.WriteAllText(mdPath, md.ToString());
        return mdPath;
    }

    private static string Us(double? micros) => micros is null ? "-" : micros.Value >= 10_000
        ? (micros.Value / 1000).ToString("F0", CultureInfo.InvariantCulture) + " ms"
        : micros.Value.ToString("F0", CultureInfo.InvariantCulture) + " µs";

    private static string Show(double? value) => value is null ? "-" : value.Value.ToString(value.Value >= 100 ? "F0" : "F1", CultureInfo.InvariantCulture);

    /// <summary>Writes the gnuplot script beside the CSV and renders the PNG; false when gnuplot is missing or fails.</summary>
    private static bool Plot(SoakOptions options, string name, string csvPath, string pngPath)
    {
        var script = $$"""
            # Renders {{Path.GetFileName(pngPath)}} from {{Path.GetFileName(csvPath)}}: gnuplot {{name}}.gp (run in this directory)
            set datafile separator ','
            set terminal pngcairo size 1200,1100 font 'sans,10'
            set output '{{Path.GetFileName(pngPath)}}'
            set key top left horizontal
            set grid
            set xlabel 'minutes'
            set xrange [0:*]
            set offsets 0, 0, graph 0.2, 0
            set arrow from {{options.WarmupMinutes.ToString("0.##", CultureInfo.InvariantCulture)}}, graph 0 to {{options.WarmupMinutes.ToString("0.##", CultureInfo.InvariantCulture)}}, graph 1 nohead dashtype 2 lc rgb 'gray'
            set multiplot layout 3,1 title 'EnvoyTraceFilter soak {{name}}: {{options.Rate.ToString("F0", CultureInfo.InvariantCulture)}} req/s mixed traffic, Zipkin + X-Ray on (dashed: end of warm-up)'
            set ylabel 'MiB'
            set yrange [0:*]
            plot '{{Path.GetFileName(csvPath)}}' skip 1 using ($1/60):2 with linespoints pt 7 ps 0.4 title 'RSS', \
                 '' skip 1 using ($1/60):4 with linespoints pt 7 ps 0.4 title 'GC committed', \
                 '' skip 1 using ($1/60):3 with linespoints pt 7 ps 0.4 title 'GC heap (after last GC)'
            set ylabel 'threads'
            set y2label 'open fds'
            set y2range [0:*]
            set y2tics
            set ytics nomirror
            plot '{{Path.GetFileName(csvPath)}}' skip 1 using ($1/60):5 with linespoints pt 7 ps 0.4 title 'threads', \
                 '' skip 1 using ($1/60):6 with linespoints pt 7 ps 0.4 title 'thread-pool threads', \
                 '' skip 1 using ($1/60):7 axes x1y2 with linespoints pt 7 ps 0.4 title 'open fds (right axis)'
            unset y2label
            unset y2tics
            set ytics mirror
            set ylabel 'requests/s'
            plot '{{Path.GetFileName(csvPath)}}' skip 1 using ($1/60):13 with linespoints pt 7 ps 0.4 title 'streams served per second'
            unset multiplot
            """;
        var dir = Path.GetDirectoryName(Path.GetFullPath(csvPath))!;
        File.WriteAllText(Path.Combine(dir, name + ".gp"), script + "\n");
        try
        {
            var info = new ProcessStartInfo("gnuplot") { WorkingDirectory = dir, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(name + ".gp");
            using var gnuplot = Process.Start(info)!;
            var errors = gnuplot.StandardError.ReadToEnd();
            gnuplot.WaitForExit();
            if (gnuplot.ExitCode != 0)
            {
                Console.Error.WriteLine($"bench-soak: gnuplot failed ({gnuplot.ExitCode}): {errors}");
            }

            return gnuplot.ExitCode == 0 && File.Exists(pngPath);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine("bench-soak: gnuplot not found, no PNG (apt-get install gnuplot-nox); the CSV and the .gp script are written.");
            return false;
        }
    }
}
