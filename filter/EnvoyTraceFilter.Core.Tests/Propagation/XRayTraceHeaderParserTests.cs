using System.Text;
using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Tests.Propagation;

public class XRayTraceHeaderParserTests
{
    private const string Root = "1-5759e988-bd862e3fe1be46a994272793";
    private const ulong High = 0x5759e988bd862e3f;
    private const ulong Low = 0xe1be46a994272793;
    private const ulong Parent = 0x53995c3f42cd8ad8;

    [Theory]
    // The docs' example.
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", Parent, SamplingDecision.Sampled, false)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0", Parent, SamplingDecision.NotSampled, false)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=?", Parent, SamplingDecision.None, true)]
    // ALB sends Root only: no span id.
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793", 0UL, SamplingDecision.None, false)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1", 0UL, SamplingDecision.Sampled, false)]
    [InlineData("Sampled=1;Parent=53995c3f42cd8ad8;Root=1-5759e988-bd862e3fe1be46a994272793", Parent, SamplingDecision.Sampled, false)] // any order
    [InlineData(" Root = 1-5759e988-bd862e3fe1be46a994272793 ; Parent=53995c3f42cd8ad8 ;Sampled= 1 ", Parent, SamplingDecision.Sampled, false)] // SDKs trim
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;\tParent=53995c3f42cd8ad8\t", Parent, SamplingDecision.None, false)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;", Parent, SamplingDecision.None, false)] // trailing ';'
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793; ", 0UL, SamplingDecision.None, false)] // trailing ';' and space
    [InlineData("Self=1-67891233-abcdef012345678912345678;Root=1-5759e988-bd862e3fe1be46a994272793", 0UL, SamplingDecision.None, false)] // ALB's Self
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1|68fd508a:5", Parent, SamplingDecision.Sampled, false)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Foo=a=b;Bar=", 0UL, SamplingDecision.None, false)] // custom keys, '=' in value, empty value
    [InlineData("root=anything;Root=1-5759e988-bd862e3fe1be46a994272793", 0UL, SamplingDecision.None, false)] // keys are case-sensitive: "root" is custom
    public void Valid(string value, ulong parent, SamplingDecision sampling, bool requested)
    {
        Assert.True(XRayTraceHeaderParser.TryParse(A(value), out var context, out var reason));
        Assert.Equal(RejectReason.None, reason);
        var expected = new TraceContext(new TraceId(High, Low), new SpanId(parent), default, sampling, TraceFormat.XRay)
        {
            SamplingRequested = requested,
        };
        Assert.Equal(expected, context with { Ignored = default }); // what is ignored has its own tests
    }

    [Theory]
    [InlineData("", RejectReason.Empty)]
    [InlineData("  \t ", RejectReason.Empty)]
    [InlineData("Parent=53995c3f42cd8ad8;Sampled=1", RejectReason.MissingField)]
    [InlineData("root=1-5759e988-bd862e3fe1be46a994272793", RejectReason.MissingField)] // keys are case-sensitive
    [InlineData("Self=1-5759e988-bd862e3fe1be46a994272793", RejectReason.MissingField)]
    [InlineData("Root=2-5759e988-bd862e3fe1be46a994272793", RejectReason.BadVersion)]
    [InlineData("Root=1-5759E988-bd862e3fe1be46a994272793", RejectReason.BadCharacter)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a99427279", RejectReason.BadLength)]
    [InlineData("Root=", RejectReason.BadLength)]
    [InlineData("Root=1-5759e988_bd862e3fe1be46a994272793", RejectReason.BadDelimiter)]
    [InlineData("Root=1-00000000-000000000000000000000000", RejectReason.ZeroTraceId)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad", RejectReason.BadLength)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=", RejectReason.BadLength)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995C3F42CD8AD8", RejectReason.BadCharacter)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=0000000000000000", RejectReason.ZeroSpanId)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=2", RejectReason.BadSampling)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=", RejectReason.BadSampling)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=true", RejectReason.BadSampling)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=??", RejectReason.BadSampling)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Root=1-5759e988-bd862e3fe1be46a994272793", RejectReason.Duplicate)]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Parent=53995c3f42cd8ad8", RejectReason.Duplicate)]
    [InlineData("Sampled=1;Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0", RejectReason.Duplicate)]
    // Malformed fields are dropped (XRayConformanceTests): with nothing left, Root is missing.
    [InlineData(";;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;", RejectReason.MissingField)]
    public void Invalid(string value, RejectReason expected)
    {
        Assert.False(XRayTraceHeaderParser.TryParse(A(value), out var context, out var reason));
        Assert.Equal(expected, reason);
        Assert.Equal(default, context);
    }

    [Fact]
    public void Length_cap()
    {
        const string head = "Root=" + Root + ";Pad=";
        var atCap = A(head + new string('x', XRayTraceHeaderParser.MaxLength - head.Length));
        Assert.True(XRayTraceHeaderParser.TryParse(atCap, out _, out _));

        var overCap = A(head + new string('x', XRayTraceHeaderParser.MaxLength - head.Length + 1));
        Assert.False(XRayTraceHeaderParser.TryParse(overCap, out var context, out var reason));
        Assert.Equal(RejectReason.TooLong, reason);
        Assert.Equal(default, context);
    }

    [Fact]
    public void Hundreds_of_distinct_keys_are_fine_and_a_late_repeat_is_counted()
    {
        var text = new StringBuilder("Root=" + Root);
        var i = 0;
        while (text.Length < XRayTraceHeaderParser.MaxLength - 8)
        {
            text.Append(';').Append(i++.ToString("x")).Append('=');
        }

        Assert.True(i > 400);
        Assert.True(XRayTraceHeaderParser.TryParse(A(text.ToString()), out var context, out _));
        Assert.Equal(new TraceId(High, Low), context.TraceId);

        Assert.False(context.Ignored.Contains(RejectReason.Repeated)); // (past the echo bound: FieldIgnored)

        text.Append(";0=x"); // the first custom key again: ignored, counted
        Assert.True(XRayTraceHeaderParser.TryParse(A(text.ToString()), out context, out _));
        Assert.True(context.Ignored.Contains(RejectReason.Repeated));
    }

    [Theory]
    // The brief's example: order kept, Root/Parent dropped.
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Self=1-abc-def;Parent=53995c3f42cd8ad8;Lineage=a:1", ";Self=1-abc-def;Lineage=a:1")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", "")]
    [InlineData("Self=x;Root=1-5759e988-bd862e3fe1be46a994272793", ";Self=x")] // the first field gains its ';'
    [InlineData(" Self = x ;Root=1-5759e988-bd862e3fe1be46a994272793; Foo= a ;", ";Self=x;Foo=a")] // trimmed
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;Empty=", ";Empty=")]
    [InlineData("Root=1-5759e988-bd862e3fe1be46a994272793;root=kept", ";root=kept")] // case-sensitive, like TryParse
    public void WriteExtraFields(string value, string expected)
    {
        var bytes = A(value);
        Assert.True(XRayTraceHeaderParser.TryParse(bytes, out _, out _));
        var destination = new byte[bytes.Length + 1];
        var written = XRayTraceHeaderParser.WriteExtraFields(bytes, destination);
        Assert.Equal(expected, Encoding.ASCII.GetString(destination, 0, written));
    }

    private static byte[] A(string s) => Encoding.ASCII.GetBytes(s);
}
