using BenchmarkDotNet.Attributes;
using EnvoyTraceFilter.Core.Naming;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Benchmarks;

/// <summary>Host patterns (naming), X-Ray sampling rules (glob on host, method, path) and the service namer.</summary>
[MemoryDiagnoser]
public class MatcherBenchmarks
{
    private const string RulesJson = """
        {"version": 2, "rules": [
          {"description": "health", "host": "*", "http_method": "GET", "url_path": "/healthz*", "fixed_target": 0, "rate": 0.0},
          {"description": "orders", "host": "*.example.com", "http_method": "*", "url_path": "/v1/orders/*", "fixed_target": 1, "rate": 0.1},
          {"description": "admin", "host": "admin.*", "http_method": "POST", "url_path": "*", "fixed_target": 0, "rate": 1.0}
        ], "default": {"fixed_target": 1, "rate": 0.05}}
        """;

    private readonly HostPattern _wildcard = new("*.example.com");
    private readonly HostPattern _literal = new("api.example.com");
    private Sampler _sampler = null!;
    private ServiceNamer _namer = null!;
    private readonly byte[] _authority = "api.example.com:443"u8.ToArray();

    [GlobalSetup]
    public void Setup()
    {
        _sampler = new Sampler(new SamplingOptions { Strategy = SamplingStrategy.XRayRules, TrustIncoming = TrustIncoming.Never, RulesJson = RulesJson });
        _namer = new ServiceNamer([new NamingRule("admin.*", "admin"), new NamingRule("*.example.com", null)], "edge", null, ServiceNamer.DefaultMaxDistinctNames);
    }

    [Benchmark(Baseline = true)]
    public bool HostPatternWildcard() => _wildcard.IsMatch("api.example.com");

    [Benchmark]
    public bool HostPatternLiteral() => _literal.IsMatch("API.example.com");

    [Benchmark]
    public SamplingResult XRayRulesDecision() => _sampler.Decide(new SamplingInput
    {
        TraceId = new TraceId(0x4bf92f3577b34da6, 0xa3ce929d0e0e4736),
        Host = "api.example.com",
        Method = "GET",
        Path = "/v1/orders/1042",
    });

    [Benchmark]
    public ServiceNameResult ServiceName() => _namer.Resolve(_authority);
}
