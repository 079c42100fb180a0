using System.Text;
using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Tests.Propagation;

public class CloudTraceContextParserTests
{
    private const ulong High = 0x4bf92f3577b34da6;
    private const ulong Low = 0xa3ce929d0e0e4736;

    [Theory]
    // The docs' example.
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/17725314949316355921;o=1", High, Low, 0xf5fcf8089dec2751UL, SamplingDecision.Sampled)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/17725314949316355921;o=0", High, Low, 0xf5fcf8089dec2751UL, SamplingDecision.NotSampled)]
    // No ";o=": Google's load balancer often omits it; no decision.
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/17725314949316355921", High, Low, 0xf5fcf8089dec2751UL, SamplingDecision.None)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/18446744073709551615", High, Low, 0xffffffffffffffffUL, SamplingDecision.None)] // 2^64-1
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/00000000000000000001", High, Low, 1UL, SamplingDecision.None)] // 20 digits with leading zeros
    // Only bit 0 counts: odd is sampled.
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/1;o=3", High, Low, 1UL, SamplingDecision.Sampled)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/1;o=2", High, Low, 1UL, SamplingDecision.NotSampled)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/1;o=10", High, Low, 1UL, SamplingDecision.NotSampled)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/1;o=0000000001", High, Low, 1UL, SamplingDecision.Sampled)] // 10 digits, the cap
    [InlineData("00000000000000000000000000000001/1;o=1", 0UL, 1UL, 1UL, SamplingDecision.Sampled)]
    public void Valid(string value, ulong high, ulong low, ulong span, SamplingDecision sampling)
    {
        Assert.True(CloudTraceContextParser.TryParse(A(value), out var context, out var reason));
        Assert.Equal(RejectReason.None, reason);
        var expected = new TraceContext(new TraceId(high, low), new SpanId(span), default, sampling, TraceFormat.CloudTrace);
        Assert.Equal(expected, context);
    }

    [Theory]
    [InlineData("", RejectReason.Empty)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/18446744073709551616", RejectReason.OutOfRange)] // 2^64
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/99999999999999999999", RejectReason.OutOfRange)] // 20 digits, too big
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/000000000000000000001", RejectReason.OutOfRange)] // 21 digits
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/0", RejectReason.ZeroSpanId)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/000;o=1", RejectReason.ZeroSpanId)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/", RejectReason.MissingField)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/;o=1", RejectReason.MissingField)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736", RejectReason.MissingField)] // no '/'
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736;o=1", RejectReason.MissingField)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/-1", RejectReason.BadCharacter)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/+1", RejectReason.BadCharacter)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/ 1", RejectReason.BadCharacter)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/1 ", RejectReason.BadCharacter)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/0x1f", RejectReason.BadCharacter)] // decimal, not hex
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/1/2", RejectReason.BadCharacter)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e473g/1", RejectReason.BadCharacter)]
    // Google's client libraries all read [0-9a-f]{32}: an upper-case id would be rejected by the app's own tracer.
    [InlineData("4BF92F3577B34DA6A3CE929D0E0E4736/17725314949316355921;o=1", RejectReason.BadCharacter)]
    [InlineData("4bf92f3577b34da6A3CE929D0E0E4736/1", RejectReason.BadCharacter)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e473/1", RejectReason.BadLength)] // 31
    [InlineData("4bf92f3577b34da6a3ce929d0e0e47360/1", RejectReason.BadLength)] // 33
    [InlineData("/1;o=1", RejectReason.BadLength)]
    [InlineData("00000000000000000000000000000000/1;o=1", RejectReason.ZeroTraceId)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/1;o=", RejectReason.BadSampling)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/1;o=x", RejectReason.BadSampling)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/1;o=-1", RejectReason.BadSampling)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/1;o=1;", RejectReason.BadSampling)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/1;o=00000000001", RejectReason.BadSampling)] // 11 digits, over the cap
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/1;", RejectReason.BadDelimiter)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/1;o", RejectReason.BadDelimiter)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/1;O=1", RejectReason.BadDelimiter)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/1; o=1", RejectReason.BadDelimiter)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/1;x=1", RejectReason.BadDelimiter)]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736/1;;o=1", RejectReason.BadDelimiter)]
    [InlineData("////////////////////////////////", RejectReason.BadLength)] // '/' flood: the trace id ends at the first
    [InlineData(";;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;;", RejectReason.BadLength)]
    public void Invalid(string value, RejectReason expected)
    {
        Assert.False(CloudTraceContextParser.TryParse(A(value), out var context, out var reason));
        Assert.Equal(expected, reason);
        Assert.Equal(default, context);
    }

    [Fact]
    public void Length_cap()
    {
        var overCap = A("4bf92f3577b34da6a3ce929d0e0e4736/1;o=1" + new string('1', CloudTraceContextParser.MaxLength - 37));
        Assert.Equal(CloudTraceContextParser.MaxLength + 1, overCap.Length);
        Assert.False(CloudTraceContextParser.TryParse(overCap, out var context, out var reason));
        Assert.Equal(RejectReason.TooLong, reason);
        Assert.Equal(default, context);
    }

    private static byte[] A(string s) => Encoding.ASCII.GetBytes(s);
}
