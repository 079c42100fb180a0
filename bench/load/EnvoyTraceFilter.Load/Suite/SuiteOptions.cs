using System.Globalization;

namespace EnvoyTraceFilter.Load.Suite;

/// <summary>Options of the suite (what `make bench-load` passes).</summary>
internal sealed record SuiteOptions
{
    public string FilterBin { get; init; } = "";

    public string NullBin { get; init; } = "";

    public string OutDir { get; init; } = "out/bench-load";

    public int Reps { get; init; } = 3;

    public IReadOnlyList<string> Scenarios { get; init; } = Scenario.DefaultNames;

    public int Connections { get; init; } = 2;

    public int Concurrency { get; init; } = 64;

    public double WarmupSeconds { get; init; } = 5;

    public double DurationSeconds { get; init; } = 10;

    /// <summary>Open-loop rate of the fixed-rate run; 0 skips it.</summary>
    public double Rate { get; init; } = 5000;

    public double RateWarmupSeconds { get; init; } = 2;

    public double RateDurationSeconds { get; init; } = 8;

    public string Profile { get; init; } = "mission";

    public const string Usage = """
        EnvoyTraceFilter.Load suite --filter-bin PATH --null-bin PATH [options]
          Runs each scenario REPS times, alternating (null, translate, hop-unsampled, hop-default, hop-sampled,
          null, ...), each in a fresh server process on a free port: a closed-loop run, then a fixed-rate run.
          Prints the ratio table (medians) and writes OUT/bench-load.md and OUT/runs.jsonl.
          --reps N (3)  --quick (1 rep, shorter runs)  --scenarios a,b,c  --out-dir DIR (out/bench-load)
          --connections N (2)  --concurrency N (64)  --warmup S (5)  --duration S (10)
          --rate R (5000; 0 = none)  --rate-warmup S (2)  --rate-duration S (8)  --profile mission|traceparent
        """;

    public static SuiteOptions Parse(IReadOnlyList<string> args)
    {
        var options = new SuiteOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            double Number() => double.Parse(Next(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--filter-bin" => options with { FilterBin = Next() },
                "--null-bin" => options with { NullBin = Next() },
                "--out-dir" => options with { OutDir = Next() },
                "--reps" => options with { Reps = (int)Number() },
                "--quick" => options with { Reps = 1, WarmupSeconds = 2, DurationSeconds = 4, RateWarmupSeconds = 1, RateDurationSeconds = 4 },
                "--scenarios" => options with { Scenarios = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--connections" => options with { Connections = (int)Number() },
                "--concurrency" => options with { Concurrency = (int)Number() },
                "--warmup" => options with { WarmupSeconds = Number() },
                "--duration" => options with { DurationSeconds = Number() },
                "--rate" => options with { Rate = Number() },
                "--rate-warmup" => options with { RateWarmupSeconds = Number() },
                "--rate-duration" => options with { RateDurationSeconds = Number() },
                "--profile" => options with { Profile = Next() },
                "--help" or "-h" => throw new ArgumentException(Usage),
                var unknown => throw new ArgumentException($"unknown option {unknown}\n{Usage}"),
            };
        }

        if (!File.Exists(options.FilterBin) || !File.Exists(options.NullBin))
        {
            throw new ArgumentException($"--filter-bin and --null-bin must name published executables\n{Usage}");
        }

        if (options.Reps < 1)
        {
            throw new ArgumentException("--reps must be at least 1");
        }

        foreach (var name in options.Scenarios)
        {
            _ = Scenario.Get(name);
        }

        return options;
    }
}
