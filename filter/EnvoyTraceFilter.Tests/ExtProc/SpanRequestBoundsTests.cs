using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Spans;

namespace EnvoyTraceFilter.Tests.ExtProc;

/// <summary>What a sampled hop's span copies from the request line is bounded per field (SpanText).</summary>
public sealed class SpanRequestBoundsTests
{
    [Fact]
    public void Scheme_IsCutAtItsOwnBound_NotTheMethods()
    {
        var spans = new RecordingSpans();
        var stream = TestFilter.Stream(TestFilter.Snapshot(new SequenceIdGenerator()), spans);

        stream.Handle(Messages.RequestHeaders(
            (":scheme", new string('h', 40)), (":method", "GET"), (":authority", "api.example.com"), (":path", "/a"),
            ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")));
        stream.Handle(Messages.ResponseHeaders((":status", "200")));

        var record = Assert.Single(spans.Records);
        Assert.Equal(new string('h', SpanText.MaxSchemeBytes) + "://api.example.com/a", record.Url);
        Assert.Equal("GET", record.Method);
    }

    private sealed class RecordingSpans : IHopSpanSource
    {
        private ulong _next = 0x2222222222222222;

        public List<SpanRecord> Records { get; } = [];

        public HopSpan Start(TraceId traceId, SpanId parentSpanId, bool debug) => new Span(this, traceId, new SpanId(_next++), parentSpanId, debug);

        private sealed class Span(RecordingSpans owner, TraceId traceId, SpanId spanId, SpanId parentSpanId, bool debug)
            : HopSpan(traceId, spanId, parentSpanId, debug)
        {
            protected override void Export(SpanRecord record) => owner.Records.Add(record);
        }
    }
}
