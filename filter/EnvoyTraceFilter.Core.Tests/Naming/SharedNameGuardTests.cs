using EnvoyTraceFilter.Core.Naming;

namespace EnvoyTraceFilter.Core.Tests.Naming;

/// <summary>One guard serves every configuration version: a new namer neither forgets names nor resets the cap.</summary>
public sealed class SharedNameGuardTests
{
    private static ServiceNamer Namer(DistinctNameGuard guard, string fallback = "Fallback") =>
        new([new NamingRule("*.example.com", null)], fallback, null, maxDistinctNames: 999, guard);

    [Fact]
    public void A_new_namer_on_the_same_guard_keeps_the_cap_and_the_admitted_names()
    {
        var guard = new DistinctNameGuard(2);
        var first = Namer(guard);
        Assert.Equal("a.example.com", first.Resolve("a.example.com"u8).Name);
        Assert.Equal("b.example.com", first.Resolve("b.example.com"u8).Name);

        // A reload builds a new namer (here with another fallback and a larger configured cap, which the guard ignores).
        var second = Namer(guard, "Other");

        Assert.Equal(new ServiceNameResult("Other", ServiceNameSource.Fallback, ServiceNameFallbackReason.CardinalityLimit),
            second.Resolve("c.example.com"u8));
        Assert.Same(first.Resolve("a.example.com"u8).Name, second.Resolve("a.example.com"u8).Name);
        Assert.Equal(2, guard.Count);
    }

    [Fact]
    public void Raising_the_cap_admits_new_hosts_at_once_and_lowering_it_keeps_the_admitted_ones()
    {
        var guard = new DistinctNameGuard(1);
        var namer = Namer(guard);
        Assert.Equal("a.example.com", namer.Resolve("a.example.com"u8).Name);
        Assert.Equal(ServiceNameFallbackReason.CardinalityLimit, namer.Resolve("b.example.com"u8).Reason);

        guard.Max = 2;
        Assert.Equal("b.example.com", namer.Resolve("b.example.com"u8).Name);

        guard.Max = 0;
        Assert.Equal("a.example.com", namer.Resolve("a.example.com"u8).Name);
        Assert.Equal(ServiceNameFallbackReason.CardinalityLimit, namer.Resolve("c.example.com"u8).Reason);
        Assert.Equal(2, guard.Count);
    }
}
