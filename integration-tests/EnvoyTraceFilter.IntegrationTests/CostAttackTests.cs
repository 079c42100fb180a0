using System.Diagnostics;
using System.Globalization;
using EnvoyEmulator;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>
/// Cost attacks (issue 12, item 7): a client forcing sampling in every format, and a flood of distinct Host values.
/// Export volume and names stay within what the configuration promises; the figures are written to the test output
/// (docs/security.md). COST_ATTACK_HOSTS raises the host count (100000 for the documented figure).
/// </summary>
public sealed class CostAttackTests(ITestOutputHelper output)
{
    private const int Forced = 1000;

    /// <summary>Forced sampling in each format the filter reads, rotated, each with a fresh trace id.</summary>
    private static (string Name, string Value)[] ForcedHeaders(int i)
    {
        var trace = i.ToString("x32", CultureInfo.InvariantCulture).Replace('0', 'a');
        var span = i.ToString("x16", CultureInfo.InvariantCulture).Replace('0', 'b');
        return (i % 5) switch
        {
            0 => [("b3", $"{trace}-{span}-1")],
            1 => [("x-b3-traceid", trace), ("x-b3-spanid", span), ("x-b3-flags", "1")],
            2 => [("x-amzn-trace-id", $"Root=1-{trace[..8]}-{trace[8..]};Parent={span};Sampled=1")],
            3 => [("x-cloud-trace-context", $"{trace}/1;o=1")],
            _ => [("traceparent", $"00-{trace}-{span}-01")],
        };
    }

    private static async Task SendAllAsync(EnvoyExtProcEmulator emulator, int count, Func<int, DownstreamRequest> request)
    {
        var next = -1;
        var workers = Enumerable.Range(0, 32).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var exchange = await emulator.SendAsync(request(i)).DefaultTimeout();
                Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
            }
        });
        await Task.WhenAll(workers);
    }

    [Theory]
    [InlineData("Always", Forced)] // trusted: every forced request is sampled (the documented cost of Always)
    [InlineData("Never", 0)]       // ignored: the local strategy (Never here) decides; every attempt counted
    [InlineData("DenyOnly", 0)]    // only "don't sample" is followed
    public async Task Forced_sampling_exports_what_TrustIncoming_promises(string trust, int sampled)
    {
        await using var host = await FilterHost.StartAsync(overSocket: false, new Dictionary<string, string?>
        {
            ["TraceFilter:Sampling:TrustIncoming"] = trust,
            ["TraceFilter:Sampling:Strategy"] = "Never",
        });
        using var metrics = host.Metrics();

        await SendAllAsync(Emulation.For(host), Forced, i => Emulation.Get("api.example.com", ForcedHeaders(i)));

        Assert.Equal(sampled, metrics.Sum("tracefilter.requests", "sampled=true"));
        Assert.Equal(Forced - sampled, metrics.Sum("tracefilter.sampling.incoming_ignored"));
        output.WriteLine($"TrustIncoming={trust}: {Forced} forced requests -> {metrics.Sum("tracefilter.requests", "sampled=true")} spans to export, {metrics.Sum("tracefilter.sampling.incoming_ignored")} attempts ignored and counted");
    }

    [Fact]
    public async Task Forced_sampling_under_the_default_rules_with_trust_never_is_the_rules_share()
    {
        await using var host = await FilterHost.StartAsync(overSocket: false, new Dictionary<string, string?>
        {
            ["TraceFilter:Sampling:TrustIncoming"] = "Never",
        });
        using var metrics = host.Metrics();
        var watch = Stopwatch.StartNew();

        await SendAllAsync(Emulation.For(host), Forced, i => Emulation.Get("api.example.com", ForcedHeaders(i)));

        // Default rules: a reservoir of 1 request/s, then 5 % of the rest (X-Ray's default): bounded by time, not by the client.
        var spans = metrics.Sum("tracefilter.requests", "sampled=true");
        var bound = (int)Math.Ceiling(watch.Elapsed.TotalSeconds) + 1 + (Forced * 0.05 * 3); // reservoir + generous 3x the 5 %
        Assert.InRange(spans, 0, (long)bound);
        output.WriteLine($"TrustIncoming=Never, default rules: {Forced} forced requests in {watch.Elapsed.TotalSeconds:F1} s -> {spans} spans to export");
    }

    private static long HeapAfterFullCollection()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetGCMemoryInfo(GCKind.FullBlocking).HeapSizeBytes;
    }

    [Fact]
    public async Task Distinct_hosts_beyond_MaxDistinctNames_get_the_fallback_and_memory_stays_bounded()
    {
        var hosts = int.TryParse(Environment.GetEnvironmentVariable("COST_ATTACK_HOSTS"), out var n) ? n : 2000;
        await using var host = await FilterHost.StartAsync(overSocket: false, new Dictionary<string, string?>
        {
            ["TraceFilter:Naming:Rules:0:Pattern"] = "*.example.com",
            ["TraceFilter:Naming:Header"] = "x-service-name",
            ["TraceFilter:Sampling:Strategy"] = "Never",
        });
        using var metrics = host.Metrics();
        var emulator = Emulation.For(host);
        var names = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        var rssBefore = Process.GetCurrentProcess().WorkingSet64;
        var heapBefore = HeapAfterFullCollection();

        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < hosts)
            {
                var exchange = await emulator.SendAsync(Emulation.Get($"h{i}.example.com")).DefaultTimeout();
                Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
                names.AddOrUpdate(exchange.Upstream!.Get("x-service-name")!, 1, (_, c) => c + 1);
            }
        }));

        var heapAfter = HeapAfterFullCollection();
        var rssAfter = Process.GetCurrentProcess().WorkingSet64;
        Assert.Equal(hosts - 100, names["unknown_service"]);
        Assert.Equal(101, names.Count); // 100 admitted host names + the fallback
        Assert.Equal(hosts - 100, metrics.Sum("tracefilter.naming.fallbacks", "reason=CardinalityLimit"));
        output.WriteLine($"{hosts} distinct hosts: {names.Count - 1} names admitted, {names["unknown_service"]} fallback; "
            + $"GC heap {heapBefore / 1024} KiB -> {heapAfter / 1024} KiB, RSS {rssBefore / 1048576} MiB -> {rssAfter / 1048576} MiB (test process)");
    }
}
