using System.Globalization;
using System.Net;

namespace EnvoyTraceFilter.Load;

/// <summary>Options of one load run (see <c>--help</c>).</summary>
internal sealed record LoadOptions
{
    public IPEndPoint Target { get; init; } = new(IPAddress.Loopback, 50051);

    public int Connections { get; init; } = 2;

    public int Concurrency { get; init; } = 64;

    /// <summary>Requests per second; 0 = closed loop.</summary>
    public double Rate { get; init; }

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public string Profile { get; init; } = "mission";

    public CloseStyle Close { get; init; } = CloseStyle.Envoy;

    public int ServerPid { get; init; }

    public string Label { get; init; } = "";

    public string? Out { get; init; }

    /// <summary>The cluster name Envoy puts in :authority.</summary>
    public string Authority { get; init; } = "trace_filter";

    /// <summary>envoy.yaml's message_timeout: phases slower than this are counted (Envoy would have failed them).</summary>
    public TimeSpan MessageTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Open loop: with this many streams in flight new ones are not sent (counted as errors). Envoy would have
    /// failed them on message_timeout long before; without a cap an overloaded server's backlog grows to seconds.
    /// </summary>
    public int MaxInFlight { get; init; } = 1000;

    public const string Usage = """
        EnvoyTraceFilter.Load run [options]      one run against a running ext_proc server
          --target HOST:PORT       server (127.0.0.1:50051)
          --connections N          HTTP/2 connections, like Envoy workers' pools (2)
          --concurrency N          closed loop: streams in flight (64)
          --rate R                 open loop: R requests/s from a fixed schedule; latency from the due time
          --warmup S --duration S  seconds excluded / measured (5, 10)
          --profile mission|traceparent
          --close envoy|graceful   Envoy's half-close + RST_STREAM (default) or half-close and wait for trailers
          --server-pid PID         read the server's CPU (/proc), peak RSS and runtime counters (EventPipe)
          --label TEXT --out FILE  label of the JSON line; append it to FILE
          --authority NAME --message-timeout-ms MS --max-inflight N
        EnvoyTraceFilter.Load suite [options]    null server + filter configurations, alternating; see --help there
        EnvoyTraceFilter.Load faults [options]   the filter at a fixed rate under collector faults vs healthy; see --help there
        """;

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            double Number() => double.Parse(Next(), CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--target" => options with { Target = ParseEndPoint(Next()) },
                "--connections" => options with { Connections = (int)Number() },
                "--concurrency" => options with { Concurrency = (int)Number() },
                "--rate" => options with { Rate = Number() },
                "--warmup" => options with { Warmup = TimeSpan.FromSeconds(Number()) },
                "--duration" => options with { Duration = TimeSpan.FromSeconds(Number()) },
                "--profile" => options with { Profile = Next() },
                "--close" => options with { Close = Next() switch { "envoy" => CloseStyle.Envoy, "graceful" => CloseStyle.Graceful, var c => throw new ArgumentException($"--close {c}: envoy or graceful") } },
                "--server-pid" => options with { ServerPid = (int)Number() },
                "--label" => options with { Label = Next() },
                "--out" => options with { Out = Next() },
                "--authority" => options with { Authority = Next() },
                "--message-timeout-ms" => options with { MessageTimeout = TimeSpan.FromMilliseconds(Number()) },
                "--max-inflight" => options with { MaxInFlight = (int)Number() },
                var unknown => throw new ArgumentException($"unknown option {unknown}"),
            };
        }

        if (options.Connections < 1 || options.Concurrency < 1 || options.Duration <= TimeSpan.Zero || options.Rate < 0)
        {
            throw new ArgumentException("--connections, --concurrency and --duration must be positive, --rate not negative");
        }

        return options;
    }

    public static IPEndPoint ParseEndPoint(string text)
    {
        text = text.Replace("http://", "", StringComparison.Ordinal).TrimEnd('/');
        return IPEndPoint.TryParse(text, out var endPoint) && endPoint.Port != 0
            ? endPoint
            : throw new ArgumentException($"--target {text}: expected IP:PORT");
    }
}
