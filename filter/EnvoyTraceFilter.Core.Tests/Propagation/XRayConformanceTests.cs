using System.Text;
using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Tests.Propagation;

/// <summary>X-Amzn-Trace-Id read like the X-Ray SDKs read it, and extra fields echoed only when safe (issue 7, item 5).</summary>
public sealed class XRayConformanceTests
{
    private const string Root = "1-5759e988-bd862e3fe1be46a994272793";
    private static readonly TraceId RootId = new(0x5759e988bd862e3f, 0xe1be46a994272793);
    private static readonly SpanId Parent = new(0x53995c3f42cd8ad8);

    [Theory]
    [InlineData("Root=" + Root + ";=abc;Parent=53995c3f42cd8ad8;Sampled=1")] // the example: empty key
    [InlineData("Root=" + Root + "; =abc;Parent=53995c3f42cd8ad8;Sampled=1")]
    [InlineData("Root=" + Root + ";;Parent=53995c3f42cd8ad8;Sampled=1")] // empty field
    [InlineData(";Root=" + Root + ";Parent=53995c3f42cd8ad8;Sampled=1")]
    [InlineData("Root=" + Root + ";NoEquals;Parent=53995c3f42cd8ad8;Sampled=1")]
    [InlineData("Root=" + Root + ";Parent=53995c3f42cd8ad8;Sampled=1;;")]
    public void Malformed_extra_field_is_dropped_counted_and_the_rest_used(string value)
    {
        Assert.True(XRayTraceHeaderParser.TryParse(A(value), out var context, out var reason));

        Assert.Equal(RejectReason.None, reason);
        Assert.Equal(new TraceContext(RootId, Parent, default, SamplingDecision.Sampled, TraceFormat.XRay), context with { Ignored = default });
        Assert.True(context.Ignored.Contains(RejectReason.FieldIgnored));
        Assert.Equal("", Extras(value));
    }

    [Theory]
    [InlineData(";", RejectReason.MissingField)]
    [InlineData("==========", RejectReason.MissingField)]
    [InlineData("Root 1-5759e988-bd862e3fe1be46a994272793", RejectReason.MissingField)]
    [InlineData("Root=" + Root + ";Root=" + Root, RejectReason.Duplicate)] // our own keys twice stay ambiguous
    [InlineData("Sampled=1;Root=" + Root + ";Sampled=0", RejectReason.Duplicate)]
    public void Without_a_usable_Root_or_with_our_keys_twice_the_header_is_refused(string value, RejectReason expected)
    {
        Assert.False(XRayTraceHeaderParser.TryParse(A(value), out _, out var reason));
        Assert.Equal(expected, reason);
    }

    [Theory]
    [InlineData("Root=" + Root + ";Self=a\u0001b;Lineage=a87bd80c:1|68fd508a:5", ";Lineage=a87bd80c:1|68fd508a:5")] // control byte
    [InlineData("Root=" + Root + ";Self=a\u007fb", "")] // DEL
    [InlineData("Root=" + Root + ";Se\u0000lf=ab", "")] // in the key
    [InlineData("Root=" + Root + ";Foo=a=b;Bar=1", ";Bar=1")] // '=' inside a value
    [InlineData("Root=" + Root + ";Foo=a b", "")] // a space inside
    [InlineData("Root=" + Root + ";Self=x;Foo=1;Self=y", ";Self=x;Foo=1")] // a repeated key: the first is written, once
    public void Unsafe_or_repeated_extra_fields_are_not_echoed_and_counted(string value, string expected)
    {
        Assert.True(XRayTraceHeaderParser.TryParse(A(value), out var context, out _));

        Assert.Equal(RootId, context.TraceId);
        Assert.False(context.Ignored.IsEmpty);
        Assert.Equal(expected, Extras(value));
    }

    [Fact]
    public void Non_ascii_bytes_are_not_echoed()
    {
        var value = A("Root=" + Root + ";Self=x").Concat(new byte[] { 0xc3, 0xa9 }).Concat(A(";Ok=1")).ToArray();

        Assert.True(XRayTraceHeaderParser.TryParse(value, out var context, out _));
        Assert.True(context.Ignored.Contains(RejectReason.FieldIgnored));
        Assert.Equal(";Ok=1", Write(value));
    }

    [Fact]
    public void Echo_is_bounded_in_total_length()
    {
        var big = new string('x', XRayTraceHeaderParser.MaxExtraFieldsLength);
        var value = "Root=" + Root + ";Self=1-abc;Big=" + big + ";Lineage=a:1";

        Assert.True(XRayTraceHeaderParser.TryParse(A(value), out var context, out _));
        Assert.True(context.Ignored.Contains(RejectReason.FieldIgnored));
        Assert.Equal(";Self=1-abc;Lineage=a:1", Extras(value));
    }

    [Fact]
    public void Echo_up_to_the_bound_is_kept()
    {
        // ";Pad=" + value = exactly the bound.
        var pad = new string('x', XRayTraceHeaderParser.MaxExtraFieldsLength - 5);
        var value = "Root=" + Root + ";Pad=" + pad;

        Assert.True(XRayTraceHeaderParser.TryParse(A(value), out var context, out _));
        Assert.True(context.Ignored.IsEmpty);
        Assert.Equal(";Pad=" + pad, Extras(value));
    }

    private static string Extras(string value) => Write(A(value));

    private static string Write(byte[] bytes)
    {
        var destination = new byte[bytes.Length + 1];
        var written = XRayTraceHeaderParser.WriteExtraFields(bytes, destination);
        return Encoding.Latin1.GetString(destination, 0, written);
    }

    private static byte[] A(string s) => Encoding.Latin1.GetBytes(s);
}
