using System.Globalization;
using EnvoyEmulator;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>What a <see cref="SampledLoad"/> run sent and saw.</summary>
/// <param name="TraceIds">The incoming trace id of each request (32 hex), in the order they were built.</param>
/// <param name="MaxQueueDepth">The largest export queue depth read after any request.</param>
public sealed record LoadOutcome(IReadOnlyList<string> TraceIds, int MaxQueueDepth);

/// <summary>
/// Concurrent requests through the emulator, each with its own sampled W3C traceparent, each checked for the
/// translated headers; the export queue depth is read after every request.
/// </summary>
internal static class SampledLoad
{
    private static int _runs;

    public static async Task<LoadOutcome> RunAsync(EnvoyExtProcEmulator emulator, int count, Func<int> queueDepth, int concurrency = 32)
    {
        // Unique across runs of this process, so a late span of another test can never match.
        var run = Interlocked.Increment(ref _runs) + (Environment.ProcessId << 8);
        var traceIds = Enumerable.Range(0, count)
            .Select(i => run.ToString("x8", CultureInfo.InvariantCulture) + "a" + i.ToString("x23", CultureInfo.InvariantCulture))
            .ToArray();
        var maxDepth = 0;
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await SendOneAsync(emulator, traceIds[i]);
                var depth = queueDepth();
                int seen;
                while (depth > (seen = Volatile.Read(ref maxDepth)) && Interlocked.CompareExchange(ref maxDepth, depth, seen) != seen)
                {
                }
            }
        }));
        return new LoadOutcome(traceIds, maxDepth);
    }

    private static async Task SendOneAsync(EnvoyExtProcEmulator emulator, string traceId)
    {
        const string parent = "00f067aa0ba902b7";
        var exchange = await emulator.SendAsync(Emulation.Get("api.example.com", ("traceparent", $"00-{traceId}-{parent}-01"))).DefaultTimeout();
        Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
        var app = exchange.Upstream!;
        var spanId = app.Get("x-b3-spanid");
        Assert.Matches("^[0-9a-f]{16}$", spanId);
        Assert.NotEqual(parent, spanId);
        Assert.Equal(traceId, app.Get("x-b3-traceid"));
        Assert.Equal(parent, app.Get("x-b3-parentspanid"));
        Assert.Equal("1", app.Get("x-b3-sampled"));
        Assert.Equal($"{traceId}-{spanId}-1-{parent}", app.Get("b3"));
        Assert.Equal($"00-{traceId}-{spanId}-01", app.Get("traceparent"));
    }
}
