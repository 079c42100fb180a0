using System.Text;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Spans;
using EnvoyTraceFilter.Core.XRay;

namespace EnvoyTraceFilter.Core.Tests.XRay;

public sealed class XRaySegmentWriterTests
{
    private readonly XRaySegmentWriter _writer = new();

    [Fact]
    public void Sampled_200_get_with_forwarded_client_is_written_byte_for_byte()
    {
        Assert.Equal(XRayWriteResult.Written, _writer.Write(XRaySpans.Get200(), out var datagram));

        const string expected =
            "{\"format\": \"json\", \"version\": 1}\n" +
            "{\"name\":\"shop.example.com\",\"id\":\"53995c3f42cd8ad8\"," +
            "\"trace_id\":\"1-6553f100-a006649127e371903a2de979\",\"parent_id\":\"0123456789abcdef\"," +
            "\"start_time\":1700000000.123456,\"end_time\":1700000000.234567," +
            "\"http\":{\"request\":{\"method\":\"GET\",\"url\":\"https://shop.example.com/cart?id=7\"," +
            "\"client_ip\":\"203.0.113.9\",\"x_forwarded_for\":true,\"user_agent\":\"curl/8.5.0\"}," +
            "\"response\":{\"status\":200,\"content_length\":1234}}}";
        Assert.Equal(expected, Encoding.UTF8.GetString(datagram.Span));
    }

    [Fact]
    public void Sampled_200_get_parses_back_to_every_field()
    {
        var doc = XRayDatagram.Write(_writer, XRaySpans.Get200());

        XRayDatagram.HasExactly(doc, "name", "id", "trace_id", "parent_id", "start_time", "end_time", "http");
        Assert.Equal("shop.example.com", doc.GetProperty("name").GetString());
        Assert.Equal("53995c3f42cd8ad8", doc.GetProperty("id").GetString());
        Assert.Equal(XRaySpans.XRayTraceId, doc.GetProperty("trace_id").GetString());
        Assert.Equal("0123456789abcdef", doc.GetProperty("parent_id").GetString());
        Assert.Equal(1700000000.123456m, doc.GetProperty("start_time").GetDecimal());
        Assert.Equal(1700000000.234567m, doc.GetProperty("end_time").GetDecimal());
        var http = doc.GetProperty("http");
        XRayDatagram.HasExactly(http, "request", "response");
        var request = http.GetProperty("request");
        XRayDatagram.HasExactly(request, "method", "url", "client_ip", "x_forwarded_for", "user_agent");
        Assert.Equal("GET", request.GetProperty("method").GetString());
        Assert.Equal("https://shop.example.com/cart?id=7", request.GetProperty("url").GetString());
        Assert.Equal("203.0.113.9", request.GetProperty("client_ip").GetString());
        Assert.True(request.GetProperty("x_forwarded_for").GetBoolean());
        Assert.Equal("curl/8.5.0", request.GetProperty("user_agent").GetString());
        var response = http.GetProperty("response");
        XRayDatagram.HasExactly(response, "status", "content_length");
        Assert.Equal(200, response.GetProperty("status").GetInt32());
        Assert.Equal(1234, response.GetProperty("content_length").GetInt64());
    }

    [Fact]
    public void Root_span_has_no_parent_id_and_peer_client_has_no_forwarded_flag()
    {
        var span = new SpanRecord
        {
            TraceId = XRaySpans.TraceId, SpanId = new SpanId(0xabcdef0123456789UL), ServiceName = "root",
            StartUnixMicros = 1_700_000_000_000_000, EndUnixMicros = 1_700_000_000_000_001,
            Method = "GET", Url = "http://a/", ClientIp = "10.0.0.1", Status = 204,
        };

        var doc = XRayDatagram.Write(_writer, span);

        XRayDatagram.HasExactly(doc, "name", "id", "trace_id", "start_time", "end_time", "http");
        Assert.Equal("abcdef0123456789", doc.GetProperty("id").GetString());
        Assert.Equal(1700000000.000000m, doc.GetProperty("start_time").GetDecimal());
        Assert.Equal(1700000000.000001m, doc.GetProperty("end_time").GetDecimal());
        var request = doc.GetProperty("http").GetProperty("request");
        XRayDatagram.HasExactly(request, "method", "url", "client_ip");
        Assert.Equal("10.0.0.1", request.GetProperty("client_ip").GetString());
        XRayDatagram.HasExactly(doc.GetProperty("http").GetProperty("response"), "status");
        Assert.Equal(204, doc.GetProperty("http").GetProperty("response").GetProperty("status").GetInt32());
    }

    [Fact]
    public void Times_are_exact_decimal_text_and_end_never_precedes_start()
    {
        var span = XRaySpans.Minimal() with { EndUnixMicros = 0 };

        Assert.Equal(XRayWriteResult.Written, _writer.Write(span, out var datagram));

        var text = Encoding.UTF8.GetString(datagram.Span);
        Assert.Contains("\"start_time\":1700000000.000007,\"end_time\":1700000000.000007,", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Escapes_quotes_control_characters_and_keeps_non_ascii_as_utf8()
    {
        const string agent = "Mozilla \"quoted\" back\\slash\u0001tab\tnl\n é 日本 <b>&'";
        var doc = XRayDatagram.Write(_writer, XRaySpans.Minimal(userAgent: agent), XRayWriteResult.Written);

        Assert.Equal(agent, doc.GetProperty("http").GetProperty("request").GetProperty("user_agent").GetString());
        _writer.Write(XRaySpans.Minimal(userAgent: agent), out var datagram);
        var raw = Encoding.UTF8.GetString(datagram.Span);
        Assert.Contains("Mozilla \\\"quoted\\\" back\\\\slash\\u0001tab\\tnl\\n é 日本 <b>&'", raw, StringComparison.Ordinal);
    }

    [Fact]
    public void Lone_surrogate_becomes_replacement_character_not_broken_json()
    {
        var doc = XRayDatagram.Write(_writer, XRaySpans.Minimal(userAgent: "a\ud800b"));

        Assert.Equal("a\ufffdb", doc.GetProperty("http").GetProperty("request").GetProperty("user_agent").GetString());
    }

    [Theory]
    [InlineData(0UL, 0UL, 1UL, "n")]
    [InlineData(1UL, 1UL, 0UL, "n")]
    [InlineData(1UL, 1UL, 1UL, "")]
    [InlineData(1UL, 1UL, 1UL, "  ")]
    public void Span_missing_required_parts_is_invalid(ulong high, ulong low, ulong spanId, string name)
    {
        var span = new SpanRecord
        {
            TraceId = new TraceId(high, low), SpanId = new SpanId(spanId), ServiceName = name,
            StartUnixMicros = 1, Method = "GET", Url = "/",
        };

        Assert.Equal(XRayWriteResult.Invalid, _writer.Write(span, out var datagram));
        Assert.True(datagram.IsEmpty);
    }

    [Fact]
    public void Long_name_is_cut_to_xray_limit_without_splitting_a_surrogate_pair()
    {
        var span = XRaySpans.Minimal();
        var name = new string('n', 199) + "\ud83d\ude00" + "tail";
        var record = new SpanRecord
        {
            TraceId = span.TraceId, SpanId = span.SpanId, ServiceName = name, StartUnixMicros = 5,
            Method = "GET", Url = "/",
        };

        var doc = XRayDatagram.Write(_writer, record);

        Assert.Equal(new string('n', 199), doc.GetProperty("name").GetString());
    }

    [Fact]
    public void Sixty_four_bit_trace_id_is_left_padded_in_passthrough_form()
    {
        var span = new SpanRecord
        {
            TraceId = new TraceId(0, 0x27e371903a2de979UL, Is64Bit: true), SpanId = new SpanId(2), ServiceName = "n",
            StartUnixMicros = 1, Method = "GET", Url = "/",
        };

        var doc = XRayDatagram.Write(_writer, span);

        Assert.Equal("1-00000000-0000000027e371903a2de979", doc.GetProperty("trace_id").GetString());
        Assert.Equal("0000000000000002", doc.GetProperty("id").GetString());
    }
}
