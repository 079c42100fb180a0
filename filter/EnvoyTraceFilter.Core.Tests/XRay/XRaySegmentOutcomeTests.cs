using System.Text;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Spans;
using EnvoyTraceFilter.Core.XRay;

namespace EnvoyTraceFilter.Core.Tests.XRay;

/// <summary>error / throttle / fault and the incomplete reason.</summary>
public sealed class XRaySegmentOutcomeTests
{
    private readonly XRaySegmentWriter _writer = new();

    [Theory]
    [InlineData(200, new string[0])]
    [InlineData(301, new string[0])]
    [InlineData(400, new[] { "error" })]
    [InlineData(404, new[] { "error" })]
    [InlineData(429, new[] { "error", "throttle" })]
    [InlineData(499, new[] { "error" })]
    [InlineData(500, new[] { "fault" })]
    [InlineData(503, new[] { "fault" })]
    public void Status_maps_to_error_throttle_fault(int status, string[] flags)
    {
        var doc = XRayDatagram.Write(_writer, XRaySpans.Minimal(status));

        XRayDatagram.HasExactly(doc, [.. new[] { "name", "id", "trace_id", "start_time", "end_time", "http" }, .. flags]);
        foreach (var flag in flags)
        {
            Assert.True(doc.GetProperty(flag).GetBoolean());
        }

        Assert.Equal(status, doc.GetProperty("http").GetProperty("response").GetProperty("status").GetInt32());
        Assert.Equal(1700000000.000007m, doc.GetProperty("start_time").GetDecimal());
        Assert.Equal(1700000001.500000m, doc.GetProperty("end_time").GetDecimal());
    }

    [Fact]
    public void Incomplete_span_is_a_fault_with_the_reason_annotation_and_no_response()
    {
        var doc = XRayDatagram.Write(_writer, XRaySpans.Minimal(0, "stream_reset_before_response"));

        XRayDatagram.HasExactly(doc, "name", "id", "trace_id", "start_time", "end_time", "http", "fault", "annotations");
        Assert.True(doc.GetProperty("fault").GetBoolean());
        XRayDatagram.HasExactly(doc.GetProperty("http"), "request");
        XRayDatagram.HasExactly(doc.GetProperty("http").GetProperty("request"), "method", "url");
        XRayDatagram.HasExactly(doc.GetProperty("annotations"), "incomplete_reason");
        Assert.Equal("stream_reset_before_response",
            doc.GetProperty("annotations").GetProperty("incomplete_reason").GetString());
    }
}
