using System.Text;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Spans;
using EnvoyTraceFilter.Core.XRay;

namespace EnvoyTraceFilter.Core.Tests.XRay;

/// <summary>The datagram cap: optional parts go first, then the whole segment.</summary>
public sealed class XRaySegmentSizeTests
{
    private readonly XRaySegmentWriter _writer = new();

    [Fact]
    public void Oversized_user_agent_drops_optional_parts_but_keeps_the_segment()
    {
        var span = XRaySpans.Minimal(0, "reset", [new("route", "/cart")], userAgent: new string('u', 70_000));

        Assert.Equal(XRayWriteResult.WrittenWithoutOptional, _writer.Write(span, out var datagram));

        Assert.True(datagram.Length <= XRaySegmentWriter.DefaultMaxDatagramBytes);
        var doc = XRayDatagram.Parse(datagram);
        XRayDatagram.HasExactly(doc.GetProperty("http").GetProperty("request"), "method", "url");
        XRayDatagram.HasExactly(doc.GetProperty("annotations"), "incomplete_reason");
        Assert.Equal("reset", doc.GetProperty("annotations").GetProperty("incomplete_reason").GetString());
        Assert.True(doc.GetProperty("fault").GetBoolean());
    }

    [Fact]
    public void Document_too_large_without_optional_parts_is_refused_whole()
    {
        var span = new SpanRecord
        {
            TraceId = XRaySpans.TraceId, SpanId = new SpanId(1), ServiceName = "n", StartUnixMicros = 1,
            Method = "GET", Url = "http://a/" + new string('p', 70_000),
        };

        Assert.Equal(XRayWriteResult.TooLarge, _writer.Write(span, out var datagram));
        Assert.True(datagram.IsEmpty);

        // The writer is reusable after an oversized span.
        Assert.Equal(XRayWriteResult.Written, _writer.Write(XRaySpans.Get200(), out var next));
        Assert.Equal("shop.example.com", XRayDatagram.Parse(next).GetProperty("name").GetString());
    }

    [Fact]
    public void Cap_counts_the_whole_datagram_including_header()
    {
        _writer.Write(XRaySpans.Minimal(), out var full);
        var exact = new XRaySegmentWriter(maxDatagramBytes: full.Length);
        var oneShort = new XRaySegmentWriter(maxDatagramBytes: full.Length - 1);

        Assert.Equal(XRayWriteResult.Written, exact.Write(XRaySpans.Minimal(), out var datagram));
        Assert.Equal(full.Length, datagram.Length);
        Assert.Equal(XRayWriteResult.TooLarge, oneShort.Write(XRaySpans.Minimal(), out _));
        Assert.Equal(XRayWriteResult.WrittenWithoutOptional,
            exact.Write(XRaySpans.Minimal(userAgent: "ua", tags: [new("k", "v")]), out datagram));
        Assert.Equal(full.Length, datagram.Length);
    }
}
