using System.Globalization;

namespace EnvoyTraceFilter.Demo;

/// <summary>Ports (0 = any free port) and what the filter is started with.</summary>
public sealed record DemoOptions
{
    public const string Usage = """
        usage: EnvoyTraceFilter.Demo [--front-port N] [--app-port N] [--zipkin-port N] [--xray-port N]
                                     [--filter-port N] [--admin-port N] [--message-timeout-ms N] [--filter-dll PATH]
                                     [--TraceFilter:Key=value ...]
          defaults: front 10000, app 8080, zipkin 9411, xray 2000, filter 50051, admin 9901 (0 = any free port);
          message timeout from envoy.yaml; --TraceFilter:* arguments go to the filter unchanged.
        """;

    public int FrontPort { get; init; } = 10000;

    public int AppPort { get; init; } = 8080;

    public int ZipkinPort { get; init; } = 9411;

    public int XRayPort { get; init; } = 2000;

    public int FilterPort { get; init; } = 50051;

    public int AdminPort { get; init; } = 9901;

    /// <summary>Overrides envoy.yaml's ext_proc message_timeout (tests on a loaded machine use a generous one).</summary>
    public TimeSpan? MessageTimeout { get; init; }

    /// <summary>The filter's EnvoyTraceFilter.dll; by default the build output next to the demo's in the repository.</summary>
    public string? FilterDll { get; init; }

    /// <summary>Extra filter settings, passed as command-line arguments (they win over the demo's defaults).</summary>
    public IReadOnlyList<string> FilterArguments { get; init; } = [];

    public static DemoOptions Parse(IReadOnlyList<string> args)
    {
        var options = new DemoOptions();
        var filterArguments = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--TraceFilter:", StringComparison.OrdinalIgnoreCase))
            {
                filterArguments.Add(arg);
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"{arg} needs a value");
            }

            var value = args[++i];
            options = arg switch
            {
                "--front-port" => options with { FrontPort = Port(arg, value) },
                "--app-port" => options with { AppPort = Port(arg, value) },
                "--zipkin-port" => options with { ZipkinPort = Port(arg, value) },
                "--xray-port" => options with { XRayPort = Port(arg, value) },
                "--filter-port" => options with { FilterPort = Port(arg, value) },
                "--admin-port" => options with { AdminPort = Port(arg, value) },
                "--message-timeout-ms" => options with { MessageTimeout = TimeSpan.FromMilliseconds(Positive(arg, value)) },
                "--filter-dll" => options with { FilterDll = value },
                _ => throw new ArgumentException($"unknown argument {arg}"),
            };
        }

        return options with { FilterArguments = filterArguments };
    }

    private static int Port(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port <= 65535
            ? port
            : throw new ArgumentException($"{name} {value}: not a port (0-65535)");

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} {value}: not a positive number");
}
