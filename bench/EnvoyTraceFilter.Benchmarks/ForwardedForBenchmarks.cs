using System.Net;
using BenchmarkDotNet.Attributes;
using EnvoyTraceFilter.Core.ClientIdentity;

namespace EnvoyTraceFilter.Benchmarks;

/// <summary>Client address resolution: the right-to-left X-Forwarded-For walk with trusted hops / networks.</summary>
[MemoryDiagnoser]
public class ForwardedForBenchmarks
{
    private static readonly byte[] TwoEntries = "203.0.113.7,10.0.0.7"u8.ToArray();
    private static readonly byte[] LongChain = "198.51.100.23, 203.0.113.7, 2001:db8::17, 10.1.2.3, 10.0.0.7, 10.0.0.8"u8.ToArray();
    private readonly ClientAddressResolver _oneHop = new(new ClientAddressOptions { TrustedHops = 1 });
    private readonly ClientAddressResolver _networks = new(new ClientAddressOptions
    {
        TrustedNetworks = [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("fd00::/8")],
    });

    [Benchmark(Baseline = true)]
    public ClientAddress PeerOnly() => _oneHop.Resolve("198.51.100.7:50000", [], []);

    [Benchmark]
    public ClientAddress OneTrustedHop() => _oneHop.Resolve("10.0.0.7:40000", TwoEntries, []);

    [Benchmark]
    public ClientAddress TrustedNetworksLongChain() => _networks.Resolve("10.0.0.8:40000", LongChain, []);
}
