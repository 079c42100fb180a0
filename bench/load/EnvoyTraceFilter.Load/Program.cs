using System.Text.Json;
using EnvoyTraceFilter.Load;
using EnvoyTraceFilter.Load.Suite;

// `run`: one load run against a running server. `suite`: the null server and the filter configurations,
// alternating, with the ratio table (what `make bench-load` runs).
try
{
    if (args.Length > 0 && args[0] == "suite")
    {
        return SuiteRunner.Run(SuiteOptions.Parse(args[1..]));
    }

    // `soak`: a long fixed-rate run of mixed traffic with the filter's resources sampled (what `make bench-soak` runs).
    if (args.Length > 0 && args[0] == "soak")
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(EnvoyTraceFilter.Load.Soak.SoakOptions.Usage);
            return 0;
        }

        return EnvoyTraceFilter.Load.Soak.SoakRunner.Run(EnvoyTraceFilter.Load.Soak.SoakOptions.Parse(args[1..]));
    }

    if (args.Length > 0 && args[0] == "faults")
    {
        return EnvoyTraceFilter.Load.Faults.FaultRunner.Run(EnvoyTraceFilter.Load.Faults.FaultOptions.Parse(args[1..]));
    }

    var runArgs = args.Length > 0 && args[0] == "run" ? args[1..] : args;
    if (runArgs.Contains("--help") || runArgs.Contains("-h"))
    {
        Console.WriteLine(LoadOptions.Usage);
        return 0;
    }

    var options = LoadOptions.Parse(runArgs);
    var result = LoadRun.Execute(options, RequestProfile.Build(options.Profile, DateTimeOffset.UtcNow));
    var json = JsonSerializer.Serialize(result, RunResultJson.Options);
    Console.WriteLine(result.Summary);
    Console.WriteLine(json);
    if (options.Out is { } path)
    {
        File.AppendAllText(path, json + Environment.NewLine);
    }

    return result.Completed > 0 ? 0 : 1;
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine("load: " + (Environment.GetEnvironmentVariable("LOAD_DEBUG") is null ? e.Message : e.ToString()));
    return 1;
}
