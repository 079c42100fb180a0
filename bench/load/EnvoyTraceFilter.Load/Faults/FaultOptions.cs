using System.Globalization;

namespace EnvoyTraceFilter.Load.Faults;

/// <summary>Options of `faults`.</summary>
internal sealed record FaultOptions
{
    public string FilterBin { get; init; } = "";

    public IReadOnlyList<string> Modes { get; init; } = FaultMode.DefaultNames;

    public int Reps { get; init; } = 1;

    public double Rate { get; init; } = 2000;

    public double WarmupSeconds { get; init; } = 3;

    public double DurationSeconds { get; init; } = 15;

    public int Connections { get; init; } = 2;

    public string Profile { get; init; } = "mission";

    public string OutDir { get; init; } = "out/bench-faults";

    public const string Usage = """
        EnvoyTraceFilter.Load faults --filter-bin PATH [options]
          The filter (100 % sampled, Zipkin + X-Ray) at a fixed request rate while a collector is broken, each mode in a
          fresh server process, modes alternating per rep; prints p50/p99 against the healthy runs and writes
          OUT/faults.md and OUT/runs.jsonl.
          --modes a,b,c (healthy, zipkin-hang, zipkin-500, zipkin-slow, zipkin-refused, xray-dead, xray-unresolvable)
          --reps N (1)  --rate R (2000)  --warmup S (3)  --duration S (15)  --connections N (2)
          --profile mission|traceparent  --out-dir DIR (out/bench-faults)
        """;

    public static FaultOptions Parse(IReadOnlyList<string> args)
    {
        var options = new FaultOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            double Number() => double.Parse(Next(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--filter-bin" => options with { FilterBin = Next() },
                "--modes" => options with { Modes = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--reps" => options with { Reps = (int)Number() },
                "--rate" => options with { Rate = Number() },
                "--warmup" => options with { WarmupSeconds = Number() },
                "--duration" => options with { DurationSeconds = Number() },
                "--connections" => options with { Connections = (int)Number() },
                "--profile" => options with { Profile = Next() },
                "--out-dir" => options with { OutDir = Next() },
                "--help" or "-h" => throw new ArgumentException(Usage),
                var unknown => throw new ArgumentException($"unknown option {unknown}\n{Usage}"),
            };
        }

        if (!File.Exists(options.FilterBin))
        {
            throw new ArgumentException($"--filter-bin must name the published filter executable\n{Usage}");
        }

        if (options.Reps < 1 || options.Rate <= 0 || options.DurationSeconds <= 0)
        {
            throw new ArgumentException("--reps, --rate and --duration must be positive");
        }

        foreach (var mode in options.Modes)
        {
            _ = FaultMode.Get(mode);
        }

        return options;
    }
}
