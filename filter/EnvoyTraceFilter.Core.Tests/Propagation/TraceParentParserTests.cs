using System.Text;
using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Tests.Propagation;

public class TraceParentParserTests
{
    [Theory]
    // The spec's example.
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", 0x0af7651916cd43ddUL, 0x8448eb211c80319cUL, 0xb7ad6b7169203331UL, SamplingDecision.Sampled)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", 0x0af7651916cd43ddUL, 0x8448eb211c80319cUL, 0xb7ad6b7169203331UL, SamplingDecision.NotSampled)]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", 0x4bf92f3577b34da6UL, 0xa3ce929d0e0e4736UL, 0x00f067aa0ba902b7UL, SamplingDecision.Sampled)]
    // Only bit 0 is "sampled"; Level 2's random-trace-id (0x02) is read separately, other bits are not ours.
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-03", 0x0af7651916cd43ddUL, 0x8448eb211c80319cUL, 0xb7ad6b7169203331UL, SamplingDecision.Sampled)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-02", 0x0af7651916cd43ddUL, 0x8448eb211c80319cUL, 0xb7ad6b7169203331UL, SamplingDecision.NotSampled)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-fe", 0x0af7651916cd43ddUL, 0x8448eb211c80319cUL, 0xb7ad6b7169203331UL, SamplingDecision.NotSampled)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-ff", 0x0af7651916cd43ddUL, 0x8448eb211c80319cUL, 0xb7ad6b7169203331UL, SamplingDecision.Sampled)]
    // A later version with exactly the four fields.
    [InlineData("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", 0x0af7651916cd43ddUL, 0x8448eb211c80319cUL, 0xb7ad6b7169203331UL, SamplingDecision.Sampled)]
    // A later version may append fields after a '-': only the first four are read.
    [InlineData("cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-what-the-future-will-be-like", 0x0af7651916cd43ddUL, 0x8448eb211c80319cUL, 0xb7ad6b7169203331UL, SamplingDecision.Sampled)]
    [InlineData("fe-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-", 0x0af7651916cd43ddUL, 0x8448eb211c80319cUL, 0xb7ad6b7169203331UL, SamplingDecision.NotSampled)]
    [InlineData("00-00000000000000000000000000000001-0000000000000001-01", 0UL, 1UL, 1UL, SamplingDecision.Sampled)]
    public void Valid(string value, ulong high, ulong low, ulong parent, SamplingDecision sampling)
    {
        Assert.True(TraceParentParser.TryParse(A(value), out var context, out var reason));
        Assert.Equal(RejectReason.None, reason);
        var expected = new TraceContext(new TraceId(high, low), new SpanId(parent), default, sampling, TraceFormat.TraceParent);
        Assert.Equal(expected, context with { RandomTraceId = false }); // the random flag has its own test
    }

    [Theory]
    [InlineData("", RejectReason.Empty)]
    [InlineData("ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", RejectReason.BadVersion)]
    [InlineData("ff", RejectReason.BadVersion)] // the version alone is enough to refuse
    [InlineData("0", RejectReason.BadLength)]
    [InlineData("00", RejectReason.BadLength)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0", RejectReason.BadLength)] // 54
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-010", RejectReason.BadLength)] // 56
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-", RejectReason.BadLength)] // 00 has no extension
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra", RejectReason.BadLength)]
    [InlineData("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0", RejectReason.BadLength)] // later versions need 55 too
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333-01", RejectReason.BadLength)] // parent 15
    [InlineData("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01x", RejectReason.BadDelimiter)] // 56th is not '-'
    [InlineData("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-011-x", RejectReason.BadDelimiter)]
    [InlineData("00_0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", RejectReason.BadDelimiter)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331-01", RejectReason.BadDelimiter)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331_01", RejectReason.BadDelimiter)]
    // Right length, fields shifted by one: the trace id is 31 hex, the parent 17.
    [InlineData("00-0af7651916cd43dd8448eb211c80319-cb7ad6b7169203331-01", RejectReason.BadDelimiter)]
    [InlineData("00-----------------------------------------------------", RejectReason.BadCharacter)] // a 55-byte '-' flood: delimiters line up, the ids are not hex
    [InlineData("0A-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", RejectReason.BadCharacter)]
    [InlineData("0g-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", RejectReason.BadCharacter)]
    [InlineData("-0-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", RejectReason.BadCharacter)]
    [InlineData("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01", RejectReason.BadCharacter)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-B7AD6B7169203331-01", RejectReason.BadCharacter)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0A", RejectReason.BadCharacter)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0x", RejectReason.BadCharacter)]
    [InlineData("00-0af7651916cd43dd8448eb211c8031 c-b7ad6b7169203331-01", RejectReason.BadCharacter)]
    [InlineData("00-00000000000000000000000000000000-b7ad6b7169203331-01", RejectReason.ZeroTraceId)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", RejectReason.ZeroSpanId)]
    public void Invalid(string value, RejectReason expected)
    {
        Assert.False(TraceParentParser.TryParse(A(value), out var context, out var reason));
        Assert.Equal(expected, reason);
        Assert.Equal(default, context);
    }

    [Fact]
    public void Length_cap_applies_to_later_versions()
    {
        const string head = "cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-";
        var atCap = A(head + new string('x', TraceParentParser.MaxLength - head.Length));
        Assert.True(TraceParentParser.TryParse(atCap, out _, out _));

        var overCap = A(head + new string('x', TraceParentParser.MaxLength - head.Length + 1));
        Assert.False(TraceParentParser.TryParse(overCap, out var context, out var reason));
        Assert.Equal(RejectReason.TooLong, reason);
        Assert.Equal(default, context);
    }

    private static byte[] A(string s) => Encoding.ASCII.GetBytes(s);
}
