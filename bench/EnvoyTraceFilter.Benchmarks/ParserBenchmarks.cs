using BenchmarkDotNet.Attributes;
using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Benchmarks;

/// <summary>Each incoming trace header parser on a valid value, as Envoy passes it (raw bytes).</summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private static readonly byte[] TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"u8.ToArray();
    private static readonly byte[] B3Single = "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90"u8.ToArray();
    private static readonly byte[] CloudTrace = "4bf92f3577b34da6a3ce929d0e0e4736/17725314949316355921;o=1"u8.ToArray();
    private static readonly byte[] XRay = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"u8.ToArray();

    [Benchmark(Baseline = true)]
    public bool TraceParentHeader() => TraceParentParser.TryParse(TraceParent, out _, out _);

    [Benchmark]
    public bool B3SingleHeader() => B3Parser.TryParseSingle(B3Single, out _, out _);

    [Benchmark]
    public bool CloudTraceContextHeader() => CloudTraceContextParser.TryParse(CloudTrace, out _, out _);

    [Benchmark]
    public bool XRayTraceHeader() => XRayTraceHeaderParser.TryParse(XRay, out _, out _);
}
