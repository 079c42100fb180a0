using System.Diagnostics;
using EnvoyEmulator;
using Grpc.Net.Client;

// usage: load <target> <concurrency> <seconds> [serverPid]
// Bounded in count and time; talks only to the given (loopback) target.
var target = args.Length > 0 ? args[0] : "http://127.0.0.1:50051";
var concurrency = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 64;
var seconds = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10;
var serverPid = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 0;

using var channel = GrpcChannel.ForAddress(target);
var emulator = new EnvoyExtProcEmulator(channel, new EmulatorOptions { MessageTimeout = TimeSpan.FromSeconds(1) });
var request = new DownstreamRequest
{
    Authority = "api.example.com",
    Path = "/orders/42",
    Headers = new HeaderList([("x-cloud-trace-context", "4bf92f3577b34da6a3ce929d0e0e4736/17725314949316355921;o=1"), ("user-agent", "load/1")]),
};

// Warm-up, not measured.
for (var i = 0; i < 200; i++)
{
    await emulator.SendAsync(request);
}

var latencies = new List<double>[concurrency];
var failures = 0;
var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
var cpuBefore = ServerCpu(serverPid);
var clock = Stopwatch.StartNew();
var deadline = TimeSpan.FromSeconds(seconds);
await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
{
    var mine = latencies[worker] = [];
    while (clock.Elapsed < deadline)
    {
        var start = Stopwatch.GetTimestamp();
        var exchange = await emulator.SendAsync(request);
        mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        if (exchange.Outcome != ExchangeOutcome.Processed)
        {
            Interlocked.Increment(ref failures);
            outcomes.AddOrUpdate($"{exchange.Outcome} {exchange.Downstream.Details} status={exchange.ServerStatus} sent={exchange.Sent.Count} received={exchange.Received.Count}", 1, (_, n) => n + 1);
        }
    }
}));
var elapsed = clock.Elapsed.TotalSeconds;
var cpuAfter = ServerCpu(serverPid);
var all = latencies.SelectMany(l => l).Order().ToArray();
double P(double q) => all[Math.Min(all.Length - 1, (int)(q * all.Length))];
Console.WriteLine($"c={concurrency} requests={all.Length} req/s={all.Length / elapsed:F0} not_processed={failures}");
foreach (var (outcome, n) in outcomes)
{
    Console.WriteLine($"  not processed: {n} x {outcome}");
}

Console.WriteLine($"whole exchange ms: p50={P(0.5):F2} p90={P(0.9):F2} p99={P(0.99):F2} p99.9={P(0.999):F2}");
if (serverPid > 0)
{
    Console.WriteLine($"server CPU-us/request={(cpuAfter - cpuBefore) * 1e6 / all.Length:F1}");
}

// utime+stime of the server process, in seconds (Linux /proc).
static double ServerCpu(int pid)
{
    if (pid <= 0)
    {
        return 0;
    }

    var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    return (double.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + double.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)) / 100.0;
}
