using BenchmarkDotNet.Attributes;
using EnvoyTraceFilter.Core.Spans;
using EnvoyTraceFilter.Core.XRay;

namespace EnvoyTraceFilter.Benchmarks;

/// <summary>One span serialised as an X-Ray segment datagram (header + JSON document).</summary>
[MemoryDiagnoser]
public class XRaySegmentBenchmarks
{
    private readonly XRaySegmentWriter _writer = new();
    private SpanRecord _span = null!;

    [GlobalSetup]
    public void Setup() => _span = BenchmarkSpans.Typical();

    [Benchmark]
    public int Segment() => _writer.Write(_span, out var datagram) == XRayWriteResult.Written ? datagram.Length : -1;
}
