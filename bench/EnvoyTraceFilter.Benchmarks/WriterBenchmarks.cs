using BenchmarkDotNet.Attributes;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Benchmarks;

/// <summary>Writing the outgoing trace headers (B3 multi, b3 single, traceparent, X-Ray) into the edit buffer.</summary>
[MemoryDiagnoser]
public class WriterBenchmarks
{
    private readonly HeaderSet _incoming = BenchmarkHeaders.Set((":authority", "api.example.com"),
        ("x-amzn-trace-id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1|68fd508a:5"));

    private readonly OutgoingTrace _trace = new(new TraceId(0x4bf92f3577b34da6, 0xa3ce929d0e0e4736), new SpanId(0x00f067aa0ba902b7),
        new SpanId(0x53995c3f42cd8ad8), Sampled: true, Debug: false);

    private readonly TraceFormatSet _default = TraceFormatSet.Of([TraceFormat.B3Multi, TraceFormat.B3Single, TraceFormat.TraceParent]);
    private readonly TraceFormatSet _all = TraceFormatSet.Of([TraceFormat.B3Multi, TraceFormat.B3Single, TraceFormat.TraceParent, TraceFormat.XRay]);

    [Benchmark(Baseline = true)]
    public int DefaultOutputs()
    {
        var edits = new HeaderEdits(TraceHeaderWriter.Capacity(_incoming, TraceFormatSet.Of(PropagationSettings.DefaultOutputs)));
        TraceHeaderWriter.Write(_trace, _incoming, _default, TraceFormatSet.Empty, keepXRayExtras: false, edits);
        return edits.SetCount;
    }

    [Benchmark]
    public int AllOutputsKeepingXRayExtras()
    {
        var edits = new HeaderEdits(TraceHeaderWriter.Capacity(_incoming, TraceFormatSet.Of(PropagationSettings.DefaultOutputs)));
        TraceHeaderWriter.Write(_trace, _incoming, _all, TraceFormatSet.Empty, keepXRayExtras: true, edits);
        return edits.SetCount;
    }
}
