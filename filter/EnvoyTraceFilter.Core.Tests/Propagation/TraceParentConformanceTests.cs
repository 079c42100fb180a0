using System.Text;
using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Tests.Propagation;

/// <summary>traceparent read as the W3C trace-context test suite expects (issue 7, item 4).</summary>
public sealed class TraceParentConformanceTests
{
    private const string Value = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    [Theory]
    [InlineData(" " + Value)]
    [InlineData(Value + " ")]
    [InlineData("\t" + Value + "\t")]
    [InlineData(" \t " + Value + " \t ")]
    public void Spaces_and_tabs_around_the_value_are_trimmed(string value)
    {
        Assert.True(TraceParentParser.TryParse(A(value), out var context, out var reason));

        Assert.Equal(RejectReason.None, reason);
        Assert.Equal(new TraceContext(new TraceId(0x0af7651916cd43dd, 0x8448eb211c80319c), new SpanId(0xb7ad6b7169203331), default, SamplingDecision.Sampled, TraceFormat.TraceParent), context);
    }

    [Theory]
    [InlineData(" ", RejectReason.Empty)]
    [InlineData("00-0af7651916cd43dd8448eb211c80319c- b7ad6b7169203331-01", RejectReason.BadLength)] // inside: not trimmed
    public void Only_the_outside_is_trimmed(string value, RejectReason expected)
    {
        Assert.False(TraceParentParser.TryParse(A(value), out _, out var reason));
        Assert.Equal(expected, reason);
    }

    [Theory]
    [InlineData("01", false)]
    [InlineData("00", false)]
    [InlineData("02", true)]
    [InlineData("03", true)]
    [InlineData("fd", false)]
    [InlineData("ff", true)]
    public void Random_trace_id_flag_is_read(string flags, bool random)
    {
        Assert.True(TraceParentParser.TryParse(A(Value[..^2] + flags), out var context, out _));
        Assert.Equal(random, context.RandomTraceId);
    }

    private static byte[] A(string s) => Encoding.ASCII.GetBytes(s);
}
