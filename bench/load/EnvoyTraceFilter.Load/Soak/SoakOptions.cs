using System.Globalization;

namespace EnvoyTraceFilter.Load.Soak;

/// <summary>Options of the soak (what `make bench-soak` passes).</summary>
internal sealed record SoakOptions
{
    public string FilterBin { get; init; } = "";

    public string OutDir { get; init; } = "bench/results";

    public double Minutes { get; init; } = 30;

    /// <summary>Open-loop requests per second.</summary>
    public double Rate { get; init; } = 1000;

    public int Connections { get; init; } = 2;

    public double IntervalSeconds { get; init; } = 10;

    /// <summary>Samples before this are left out of the trend (JIT, tiered compilation, pools and GC budgets settling).</summary>
    public double WarmupMinutes { get; init; } = 5;

    /// <summary>Leave the X-Ray daemon stand-in out: the exporter sends to a closed UDP port (a dead collector).</summary>
    public bool DeadXRay { get; init; }

    /// <summary>Written into the result file names (default: the start time, yyyy-MM-dd-HHmm).</summary>
    public string? Name { get; init; }

    public const string Usage = """
        EnvoyTraceFilter.Load soak --filter-bin PATH [options]
          Starts the filter (both exporters on, pointed at in-process Zipkin and X-Ray stand-ins), sends the "mixed"
          profile at a fixed rate for MINUTES, samples the filter's RSS, GC heap, threads and open fds every INTERVAL,
          then writes NAME-soak.csv, NAME-soak.md (figures and trend) and NAME-soak.png (gnuplot) into OUT.
          --minutes M (30)  --rate R (1000)  --connections N (2)  --interval-seconds S (10)
          --warmup-minutes M (5, at most a quarter of the run; left out of the trend)  --out-dir DIR (bench/results)  --name NAME  --dead-xray
        """;

    public static SoakOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SoakOptions();
        double? warmup = null;
        for (int i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            double Number() => double.Parse(Next(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--filter-bin" => options with { FilterBin = Next() },
                "--out-dir" => options with { OutDir = Next() },
                "--minutes" => options with { Minutes = Number() },
                "--rate" => options with { Rate = Number() },
                "--connections" => options with { Connections = (int)Number() },
                "--interval-seconds" => options with { IntervalSeconds = Number() },
                "--warmup-minutes" => options with { WarmupMinutes = (warmup = Number()).Value },
                "--name" => options with { Name = Next() },
                "--dead-xray" => options with { DeadXRay = true },
                var unknown => throw new ArgumentException($"unknown option {unknown}"),
            };
        }

        // Unset: 5 minutes, or a quarter of a short run.
        options = options with { WarmupMinutes = warmup ?? Math.Min(5, options.Minutes / 4) };
        if (string.IsNullOrEmpty(options.FilterBin))
        {
            throw new ArgumentException("--filter-bin is required");
        }

        if (options.Minutes <= 0 || options.Rate <= 0 || options.Connections < 1 || options.IntervalSeconds <= 0
            || options.WarmupMinutes < 0 || options.WarmupMinutes >= options.Minutes)
        {
            throw new ArgumentException("--minutes, --rate, --connections and --interval-seconds must be positive; --warmup-minutes below --minutes");
        }

        return options;
    }
}
