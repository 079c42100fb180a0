using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Core.Tests.Sampling;

public sealed class AllocationTests
{
    private const string Rules = """
        {"version": 2,
         "rules": [
           {"host": "*.example.com", "http_method": "P?ST", "url_path": "/orders/*/items", "fixed_target": 5, "rate": 0.1},
           {"host": "API.EXAMPLE.COM", "http_method": "GET", "url_path": "/health", "fixed_target": 0, "rate": 0}],
         "default": {"fixed_target": 1, "rate": 0.05}}
        """;

    [Theory]
    [InlineData(SamplingStrategy.XRayRules, TrustIncoming.Never)]
    [InlineData(SamplingStrategy.XRayRules, TrustIncoming.Always)]
    [InlineData(SamplingStrategy.Ratio, TrustIncoming.DenyOnly)]
    public void Decide_does_not_allocate(SamplingStrategy strategy, TrustIncoming trust)
    {
        var clock = ManualTimeProvider.At("2026-03-01T12:00:00Z");
        var sampler = new Sampler(new SamplingOptions { Strategy = strategy, TrustIncoming = trust, RulesJson = Rules }, clock, new FixedRandomSource(0.5));
        var host = "shop.example.com".ToCharArray();
        var path = "/orders/42/items?page=2".ToCharArray();
        var traceId = new TraceId(0x1234, 0x00ABCDEF12345678);

        RunMany(sampler, host, path, traceId, clock, 1_000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        RunMany(sampler, host, path, traceId, clock, 10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    private static void RunMany(Sampler sampler, char[] host, char[] path, TraceId traceId, ManualTimeProvider clock, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (i % 100 == 0)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
            }

            var incoming = (SamplingDecision)(i % 4);
            sampler.Decide(new SamplingInput { Incoming = incoming, TraceId = traceId, Host = host, Method = "POST", Path = path });
            sampler.Decide(new SamplingInput { Host = "api.example.com", Method = "get", Path = "/health" });
        }
    }
}
