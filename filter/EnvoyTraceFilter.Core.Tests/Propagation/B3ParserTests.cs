using System.Text;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Tests.Propagation;

public class B3ParserTests
{
    private const string Trace = "80f198ee56343ba864fe8b2a57d3eff7";
    private const string Span = "e457b5a2e4d86bd1";
    private const string Parent = "05e3ac9a4f6e3b90";

    [Theory]
    // The spec's example, at SingleMaxLength exactly.
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90", 0x80f198ee56343ba8UL, 0x64fe8b2a57d3eff7UL, false, 0xe457b5a2e4d86bd1UL, 0x05e3ac9a4f6e3b90UL, SamplingDecision.Sampled)]
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1", 0x80f198ee56343ba8UL, 0x64fe8b2a57d3eff7UL, false, 0xe457b5a2e4d86bd1UL, 0UL, SamplingDecision.None)]
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-0", 0x80f198ee56343ba8UL, 0x64fe8b2a57d3eff7UL, false, 0xe457b5a2e4d86bd1UL, 0UL, SamplingDecision.NotSampled)]
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-d", 0x80f198ee56343ba8UL, 0x64fe8b2a57d3eff7UL, false, 0xe457b5a2e4d86bd1UL, 0UL, SamplingDecision.Debug)]
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-0-05e3ac9a4f6e3b90", 0x80f198ee56343ba8UL, 0x64fe8b2a57d3eff7UL, false, 0xe457b5a2e4d86bd1UL, 0x05e3ac9a4f6e3b90UL, SamplingDecision.NotSampled)]
    // 16-hex trace id: a 64-bit id, flagged so it is written back at 16.
    [InlineData("64fe8b2a57d3eff7-e457b5a2e4d86bd1-1", 0UL, 0x64fe8b2a57d3eff7UL, true, 0xe457b5a2e4d86bd1UL, 0UL, SamplingDecision.Sampled)]
    // 32-hex with a zero high half stays a 128-bit id (the sender chose the width).
    [InlineData("000000000000000064fe8b2a57d3eff7-e457b5a2e4d86bd1", 0UL, 0x64fe8b2a57d3eff7UL, false, 0xe457b5a2e4d86bd1UL, 0UL, SamplingDecision.None)]
    [InlineData("ffffffffffffffffffffffffffffffff-ffffffffffffffff", 0xffffffffffffffffUL, 0xffffffffffffffffUL, false, 0xffffffffffffffffUL, 0UL, SamplingDecision.None)]
    [InlineData("0000000000000001-0000000000000001", 0UL, 1UL, true, 1UL, 0UL, SamplingDecision.None)]
    public void Single_valid(string value, ulong high, ulong low, bool is64, ulong span, ulong parent, SamplingDecision sampling)
    {
        Assert.True(B3Parser.TryParseSingle(A(value), out var context, out var reason));
        Assert.Equal(RejectReason.None, reason);
        var expected = new TraceContext(new TraceId(high, low, is64), new SpanId(span), new SpanId(parent), sampling, TraceFormat.B3Single);
        Assert.Equal(expected, context);
    }

    [Theory]
    [InlineData("1", SamplingDecision.Sampled)]
    [InlineData("0", SamplingDecision.NotSampled)]
    [InlineData("d", SamplingDecision.Debug)]
    public void Single_sampling_only(string value, SamplingDecision sampling)
    {
        Assert.True(B3Parser.TryParseSingle(A(value), out var context, out var reason));
        Assert.Equal(RejectReason.None, reason);
        Assert.Equal(new TraceContext(default, default, default, sampling, TraceFormat.B3Single), context);
        Assert.False(context.HasTraceId);
        Assert.False(context.SpanId.IsValid);
    }

    [Theory]
    [InlineData("", RejectReason.Empty)]
    // SingleMaxLength + 1.
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b900", RejectReason.TooLong)]
    [InlineData("80F198EE56343BA864FE8B2A57D3EFF7-e457b5a2e4d86bd1", RejectReason.BadCharacter)]
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-E457B5A2E4D86BD1", RejectReason.BadCharacter)]
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05E3AC9A4F6E3B90", RejectReason.BadCharacter)]
    [InlineData("64FE8B2A57D3EFF7-e457b5a2e4d86bd1", RejectReason.BadCharacter)]
    [InlineData("80f198ee56343ba864fe8b2a57d3effg-e457b5a2e4d86bd1", RejectReason.BadCharacter)]
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd ", RejectReason.BadCharacter)]
    [InlineData("64fe8b2a57d3eff-e457b5a2e4d86bd1", RejectReason.BadLength)] // 15
    [InlineData("64fe8b2a57d3eff70-e457b5a2e4d86bd1", RejectReason.BadLength)] // 17
    [InlineData("80f198ee56343ba864fe8b2a57d3eff-e457b5a2e4d86bd1", RejectReason.BadLength)] // 31
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd", RejectReason.BadLength)] // span 15
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b9", RejectReason.BadLength)] // parent 15
    [InlineData("00000000000000000000000000000000-e457b5a2e4d86bd1", RejectReason.ZeroTraceId)]
    [InlineData("0000000000000000-e457b5a2e4d86bd1", RejectReason.ZeroTraceId)]
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-0000000000000000", RejectReason.ZeroSpanId)]
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-2", RejectReason.BadSampling)]
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-D", RejectReason.BadSampling)]
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-true", RejectReason.BadSampling)] // only x-b3-sampled takes true
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01", RejectReason.BadSampling)]
    [InlineData("2", RejectReason.BadSampling)]
    [InlineData("true", RejectReason.BadSampling)]
    // A lone field is the sampling-only form, so a lone trace id is a bad sampling state.
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7", RejectReason.BadSampling)]
    [InlineData("64fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90-1", RejectReason.BadDelimiter)] // fifth field
    [InlineData("-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1", RejectReason.BadDelimiter)]
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-", RejectReason.BadDelimiter)]
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7--e457b5a2e4d86bd1", RejectReason.BadDelimiter)]
    [InlineData("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1--05e3ac9a4f6e3b90", RejectReason.BadDelimiter)] // empty sampling
    [InlineData("-", RejectReason.BadDelimiter)]
    [InlineData("---", RejectReason.BadDelimiter)]
    [InlineData("--------------------------------------------------------------------", RejectReason.BadDelimiter)] // 68
    [InlineData("---------------------------------------------------------------------", RejectReason.TooLong)] // 69
    public void Single_invalid(string value, RejectReason expected)
    {
        Assert.False(B3Parser.TryParseSingle(A(value), out var context, out var reason));
        Assert.Equal(expected, reason);
        Assert.Equal(default, context);
    }

    [Theory]
    [InlineData(Trace, Span, null, null, null, 0x80f198ee56343ba8UL, 0x64fe8b2a57d3eff7UL, false, 0xe457b5a2e4d86bd1UL, 0UL, SamplingDecision.None)]
    [InlineData(Trace, Span, Parent, "1", null, 0x80f198ee56343ba8UL, 0x64fe8b2a57d3eff7UL, false, 0xe457b5a2e4d86bd1UL, 0x05e3ac9a4f6e3b90UL, SamplingDecision.Sampled)]
    [InlineData("64fe8b2a57d3eff7", Span, null, "0", null, 0UL, 0x64fe8b2a57d3eff7UL, true, 0xe457b5a2e4d86bd1UL, 0UL, SamplingDecision.NotSampled)]
    [InlineData(Trace, Span, null, "true", null, 0x80f198ee56343ba8UL, 0x64fe8b2a57d3eff7UL, false, 0xe457b5a2e4d86bd1UL, 0UL, SamplingDecision.Sampled)] // legacy spelling
    [InlineData(Trace, Span, null, "false", null, 0x80f198ee56343ba8UL, 0x64fe8b2a57d3eff7UL, false, 0xe457b5a2e4d86bd1UL, 0UL, SamplingDecision.NotSampled)] // legacy spelling
    [InlineData(Trace, Span, null, null, "1", 0x80f198ee56343ba8UL, 0x64fe8b2a57d3eff7UL, false, 0xe457b5a2e4d86bd1UL, 0UL, SamplingDecision.Debug)]
    [InlineData(Trace, Span, null, "0", "1", 0x80f198ee56343ba8UL, 0x64fe8b2a57d3eff7UL, false, 0xe457b5a2e4d86bd1UL, 0UL, SamplingDecision.Debug)] // debug wins
    [InlineData(Trace, Span, null, "1", "0", 0x80f198ee56343ba8UL, 0x64fe8b2a57d3eff7UL, false, 0xe457b5a2e4d86bd1UL, 0UL, SamplingDecision.Sampled)] // flags 0 is a no-op
    [InlineData(null, null, null, "0", null, 0UL, 0UL, false, 0UL, 0UL, SamplingDecision.NotSampled)] // sampling-only
    [InlineData(null, null, null, "1", null, 0UL, 0UL, false, 0UL, 0UL, SamplingDecision.Sampled)] // sampling-only
    [InlineData(null, null, null, null, "1", 0UL, 0UL, false, 0UL, 0UL, SamplingDecision.Debug)] // sampling-only
    [InlineData(null, null, null, null, "0", 0UL, 0UL, false, 0UL, 0UL, SamplingDecision.None)] // B3 present, says nothing
    public void Multi_valid(
        string? trace, string? span, string? parent, string? sampled, string? flags,
        ulong high, ulong low, bool is64, ulong spanId, ulong parentId, SamplingDecision sampling)
    {
        var headers = Headers(trace, span, parent, sampled, flags);
        Assert.True(B3Parser.TryParseMulti(headers, out var context, out var reason));
        Assert.Equal(RejectReason.None, reason);
        var expected = new TraceContext(new TraceId(high, low, is64), new SpanId(spanId), new SpanId(parentId), sampling, TraceFormat.B3Multi);
        Assert.Equal(expected, context);
    }

    [Theory]
    [InlineData(Trace, null, null, "1", null, RejectReason.MissingField)]
    [InlineData(null, Span, null, "1", null, RejectReason.MissingField)]
    [InlineData(null, null, Parent, null, null, RejectReason.MissingField)]
    [InlineData(Trace, null, Parent, null, null, RejectReason.MissingField)]
    [InlineData("", Span, null, null, null, RejectReason.Empty)]
    [InlineData(Trace, "", null, null, null, RejectReason.Empty)]
    [InlineData(Trace, Span, "", null, null, RejectReason.Empty)]
    [InlineData(Trace, Span, null, "", null, RejectReason.Empty)]
    [InlineData("80F198EE56343BA864FE8B2A57D3EFF7", Span, null, null, null, RejectReason.BadCharacter)]
    [InlineData(Trace, "E457B5A2E4D86BD1", null, null, null, RejectReason.BadCharacter)]
    [InlineData(Trace, Span, "05E3AC9A4F6E3B90", null, null, RejectReason.BadCharacter)]
    [InlineData("80f198ee56343ba864fe8b2a57d3ef", Span, null, null, null, RejectReason.BadLength)] // 30
    [InlineData(Trace, "e457b5a2e4d86bd10", null, null, null, RejectReason.BadLength)]
    [InlineData(Trace, Span, "5e3ac9a4f6e3b90", null, null, RejectReason.BadLength)]
    [InlineData("0000000000000000", Span, null, null, null, RejectReason.ZeroTraceId)]
    [InlineData(Trace, "0000000000000000", null, null, null, RejectReason.ZeroSpanId)]
    [InlineData(Trace, Span, null, "d", null, RejectReason.BadSampling)] // debug is x-b3-flags here
    [InlineData(Trace, Span, null, "2", null, RejectReason.BadSampling)]
    [InlineData(null, null, null, "yes", null, RejectReason.BadSampling)]
    public void Multi_invalid(string? trace, string? span, string? parent, string? sampled, string? flags, RejectReason expected)
    {
        var headers = Headers(trace, span, parent, sampled, flags);
        Assert.False(B3Parser.TryParseMulti(headers, out var context, out var reason));
        Assert.Equal(expected, reason);
        Assert.Equal(default, context);
    }

    [Fact]
    public void Multi_absent_is_false_with_no_reason()
    {
        var headers = new HeaderSet();
        headers.Add(KnownHeader.B3, A("1")); // other trace headers do not count
        Assert.False(B3Parser.TryParseMulti(headers, out var context, out var reason));
        Assert.Equal(RejectReason.None, reason);
        Assert.Equal(default, context);
    }

    private static HeaderSet Headers(string? trace, string? span, string? parent, string? sampled, string? flags)
    {
        var headers = new HeaderSet();
        AddIf(ref headers, KnownHeader.XB3TraceId, trace);
        AddIf(ref headers, KnownHeader.XB3SpanId, span);
        AddIf(ref headers, KnownHeader.XB3ParentSpanId, parent);
        AddIf(ref headers, KnownHeader.XB3Sampled, sampled);
        AddIf(ref headers, KnownHeader.XB3Flags, flags);
        return headers;
    }

    private static void AddIf(ref HeaderSet headers, KnownHeader header, string? value)
    {
        if (value is not null)
        {
            headers.Add(header, A(value));
        }
    }

    private static byte[] A(string s) => Encoding.ASCII.GetBytes(s);
}
