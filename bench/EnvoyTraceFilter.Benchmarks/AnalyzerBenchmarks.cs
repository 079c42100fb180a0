using BenchmarkDotNet.Attributes;
using EnvoyTraceFilter.Configuration;
using EnvoyTraceFilter.Core.Analysis;
using EnvoyTraceFilter.Core.Headers;

namespace EnvoyTraceFilter.Benchmarks;

/// <summary>The pure core on one request's headers: extract, sample, name, resolve the client, write the headers.</summary>
[MemoryDiagnoser]
public class AnalyzerBenchmarks
{
    private RequestAnalyzer _analyzer = null!;
    private HeaderSet _gcp;
    private HeaderSet _none;
    private HeaderSet _b3;

    [GlobalSetup]
    public void Setup()
    {
        var options = new TraceFilterOptions();
        options.Naming.Rules = [new NamingRuleSection { Pattern = "*.example.com" }];
        options.ClientIdentity.TrustedHops = 1;
        _analyzer = FilterSnapshotCompiler.TryCompile(options, [], environment: _ => null)!.Analyzer;
        _gcp = BenchmarkHeaders.Set((":authority", "api.example.com"), (":path", "/orders/42"), (":method", "GET"), ("x-forwarded-for", "203.0.113.7,198.51.100.7"),
            ("x-cloud-trace-context", "4bf92f3577b34da6a3ce929d0e0e4736/17725314949316355921;o=1"));
        _none = BenchmarkHeaders.Set((":authority", "api.example.com"), (":path", "/"), (":method", "GET"));
        _b3 = BenchmarkHeaders.Set((":authority", "api.example.com"), (":path", "/"), (":method", "GET"),
            ("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90"));
    }

    [Benchmark(Baseline = true)]
    public RequestDecision CloudTraceContext() => _analyzer.Analyze(_gcp, "198.51.100.7:50000");

    [Benchmark]
    public RequestDecision NoIncomingContext() => _analyzer.Analyze(_none, "198.51.100.7:50000");

    [Benchmark]
    public RequestDecision B3Single() => _analyzer.Analyze(_b3, "198.51.100.7:50000");
}
