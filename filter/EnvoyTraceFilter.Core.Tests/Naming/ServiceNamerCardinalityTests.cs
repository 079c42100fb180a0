using System.Collections.Concurrent;
using System.Text;
using EnvoyTraceFilter.Core.Naming;

namespace EnvoyTraceFilter.Core.Tests.Naming;

public sealed class ServiceNamerCardinalityTests
{
    private static ServiceNamer Namer(int max) =>
        new([new NamingRule("checkout.example.com", "Checkout"), new NamingRule("*.example.com", null)], "Fallback", null, max);

    [Fact]
    public void Resolve_BeyondLimit_NewHostGetsFallbackAndKnownHostsStillResolve()
    {
        var namer = Namer(max: 2);

        var first = namer.Resolve("a.example.com"u8);
        var second = namer.Resolve("b.example.com"u8);
        var third = namer.Resolve("c.example.com"u8);
        var firstAgain = namer.Resolve("A.EXAMPLE.COM:443"u8);

        Assert.Equal(new ServiceNameResult("a.example.com", ServiceNameSource.Host, ServiceNameFallbackReason.None), first);
        Assert.Equal("b.example.com", second.Name);
        Assert.Equal(new ServiceNameResult("Fallback", ServiceNameSource.Fallback, ServiceNameFallbackReason.CardinalityLimit), third);
        Assert.Same(first.Name, firstAgain.Name); // cached instance, no allocation on repeat
        Assert.Equal(2, namer.DistinctHostNames);
    }

    [Fact]
    public void Resolve_RepeatedHostRuleOrFallback_AllocatesNothing()
    {
        var namer = Namer(max: 2);
        _ = namer.Resolve("a.example.com"u8);
        _ = namer.Resolve("b.example.com"u8); // fills the limit, so z below is refused rather than admitted

        var before = GC.GetAllocatedBytesForCurrentThread();
        _ = namer.Resolve("A.Example.com:8443"u8);
        _ = namer.Resolve("checkout.example.com"u8);
        _ = namer.Resolve("other.test"u8);
        _ = namer.Resolve("z.example.com"u8); // over the limit: fallback, nothing cached
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Resolve_FixedNamesAndFallback_NeverCountAgainstLimit()
    {
        var namer = Namer(max: 1);

        Assert.Equal("a.example.com", namer.Resolve("a.example.com"u8).Name);
        Assert.Equal(ServiceNameSource.Rule, namer.Resolve("checkout.example.com"u8).Source);
        Assert.Equal(ServiceNameFallbackReason.NoMatch, namer.Resolve("other.test"u8).Reason);
        Assert.Equal(ServiceNameFallbackReason.ForgedHost, namer.Resolve("bad host"u8).Reason);
        Assert.Equal(1, namer.DistinctHostNames);
    }

    [Fact]
    public void Resolve_LimitZero_NeverUsesHost()
    {
        var namer = Namer(max: 0);

        Assert.Equal(ServiceNameFallbackReason.CardinalityLimit, namer.Resolve("a.example.com"u8).Reason);
        Assert.Equal(ServiceNameSource.Rule, namer.Resolve("checkout.example.com"u8).Source);
        Assert.Equal(0, namer.DistinctHostNames);
    }

    [Fact]
    public void Resolve_ConcurrentThreads_StayWithinLimit()
    {
        const int limit = 10;
        const int threads = 8;
        var namer = Namer(limit);
        var admitted = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        using var start = new Barrier(threads);

        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < 300; i++)
            {
                // Overlapping host sets, so threads race on the same names as well as on the count.
                var host = Encoding.ASCII.GetBytes($"h{(i * 7 + t) % 150}.example.com");
                var result = namer.Resolve(host);
                if (result.Source == ServiceNameSource.Host)
                {
                    // Every thread must see the one shared instance for a given host.
                    var shared = admitted.GetOrAdd(result.Name, result.Name);
                    Assert.Same(shared, result.Name);
                }
                else
                {
                    Assert.Equal(ServiceNameFallbackReason.CardinalityLimit, result.Reason);
                }
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.InRange(admitted.Count, 1, limit);
        Assert.Equal(admitted.Count, namer.DistinctHostNames);
    }
}
