using System.Text;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Tests.Propagation;

/// <summary>B3 read the way Brave and the OpenTelemetry B3 propagators read it (issue 7, item 3).</summary>
public sealed class B3ConformanceTests
{
    private const string Trace = "80f198ee56343ba864fe8b2a57d3eff7";
    private const string Span = "e457b5a2e4d86bd1";
    private const string Parent = "05e3ac9a4f6e3b90";
    private static readonly TraceId TraceValue = new(0x80f198ee56343ba8, 0x64fe8b2a57d3eff7);

    [Theory]
    [InlineData("2")]
    [InlineData("true")]
    [InlineData("01")]
    [InlineData("d")]
    public void Flags_other_than_1_are_ignored_and_counted_not_a_reason_to_refuse(string flags)
    {
        var headers = Multi(("x-b3-traceid", Trace), ("x-b3-spanid", Span), ("x-b3-sampled", "0"), ("x-b3-flags", flags));

        Assert.True(B3Parser.TryParseMulti(headers, out var context, out var reason));
        Assert.Equal(RejectReason.None, reason);
        Assert.Equal(new TraceContext(TraceValue, new SpanId(0xe457b5a2e4d86bd1), default, SamplingDecision.NotSampled, TraceFormat.B3Multi), context with { Ignored = default });
        Assert.True(context.Ignored.Contains(RejectReason.FieldIgnored));
    }

    [Fact]
    public void Empty_flags_is_ignored_and_counted_too()
    {
        var headers = Multi(("x-b3-traceid", Trace), ("x-b3-spanid", Span), ("x-b3-sampled", "1"), ("x-b3-flags", ""));

        Assert.True(B3Parser.TryParseMulti(headers, out var context, out var reason));
        Assert.Equal(RejectReason.None, reason);
        Assert.Equal(SamplingDecision.Sampled, context.Sampling);
        Assert.Equal(TraceValue, context.TraceId);
        Assert.True(context.Ignored.Contains(RejectReason.FieldIgnored));
    }

    [Fact]
    public void Flags_0_is_the_spec_s_not_debug_and_not_counted()
    {
        var headers = Multi(("x-b3-traceid", Trace), ("x-b3-spanid", Span), ("x-b3-flags", "0"));

        Assert.True(B3Parser.TryParseMulti(headers, out var context, out _));
        Assert.Equal(SamplingDecision.None, context.Sampling);
        Assert.True(context.Ignored.IsEmpty);
    }

    [Theory]
    [InlineData("true", SamplingDecision.Sampled)]
    [InlineData("True", SamplingDecision.Sampled)]
    [InlineData("TRUE", SamplingDecision.Sampled)]
    [InlineData("false", SamplingDecision.NotSampled)]
    [InlineData("False", SamplingDecision.NotSampled)]
    [InlineData("fALSe", SamplingDecision.NotSampled)]
    public void Sampled_true_false_in_any_case_is_the_legacy_spelling(string sampled, SamplingDecision expected)
    {
        var headers = Multi(("x-b3-traceid", Trace), ("x-b3-spanid", Span), ("x-b3-sampled", sampled));

        Assert.True(B3Parser.TryParseMulti(headers, out var context, out var reason));
        Assert.Equal(RejectReason.None, reason);
        Assert.Equal(expected, context.Sampling);
    }

    [Theory]
    [InlineData("truee")]
    [InlineData("yes")]
    [InlineData("t")]
    public void Sampled_other_words_are_still_bad(string sampled)
    {
        var headers = Multi(("x-b3-traceid", Trace), ("x-b3-spanid", Span), ("x-b3-sampled", sampled));

        Assert.False(B3Parser.TryParseMulti(headers, out _, out var reason));
        Assert.Equal(RejectReason.BadSampling, reason);
    }

    [Fact]
    public void Single_with_three_fields_whose_third_is_16_hex_is_trace_span_parent_without_decision()
    {
        Assert.True(B3Parser.TryParseSingle(A($"{Trace}-{Span}-{Parent}"), out var context, out var reason));

        Assert.Equal(RejectReason.None, reason);
        Assert.Equal(new TraceContext(TraceValue, new SpanId(0xe457b5a2e4d86bd1), new SpanId(0x05e3ac9a4f6e3b90), SamplingDecision.None, TraceFormat.B3Single), context);
    }

    [Theory]
    [InlineData(Trace + "-" + Span + "-05E3AC9A4F6E3B90", RejectReason.BadCharacter)]
    [InlineData(Trace + "-" + Span + "-05e3ac9a4f6e3b9", RejectReason.BadSampling)] // 15: neither a sampling state nor a span id
    public void Single_three_fields_bad_third(string value, RejectReason expected)
    {
        Assert.False(B3Parser.TryParseSingle(A(value), out _, out var reason));
        Assert.Equal(expected, reason);
    }

    [Theory]
    [InlineData(Trace + "-" + Span + "-1-0000000000000000", SamplingDecision.Sampled)]
    [InlineData(Trace + "-" + Span + "-0000000000000000", SamplingDecision.None)]
    public void Single_all_zero_parent_means_no_parent(string value, SamplingDecision sampling)
    {
        Assert.True(B3Parser.TryParseSingle(A(value), out var context, out var reason));

        Assert.Equal(RejectReason.None, reason);
        Assert.Equal(new TraceContext(TraceValue, new SpanId(0xe457b5a2e4d86bd1), default, sampling, TraceFormat.B3Single), context);
    }

    [Fact]
    public void Multi_all_zero_parent_means_no_parent()
    {
        var headers = Multi(("x-b3-traceid", Trace), ("x-b3-spanid", Span), ("x-b3-parentspanid", "0000000000000000"), ("x-b3-sampled", "1"));

        Assert.True(B3Parser.TryParseMulti(headers, out var context, out var reason));

        Assert.Equal(RejectReason.None, reason);
        Assert.Equal(new TraceContext(TraceValue, new SpanId(0xe457b5a2e4d86bd1), default, SamplingDecision.Sampled, TraceFormat.B3Multi), context);
    }

    [Theory]
    [InlineData("x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124")]
    [InlineData("x-b3-spanid", "a2fb4a1d1a96d312")]
    [InlineData("x-b3-parentspanid", "a2fb4a1d1a96d312")]
    [InlineData("x-b3-sampled", "0")]
    [InlineData("x-b3-flags", "0")]
    [InlineData("x-b3-traceid", "not hex at all")] // the repeat is never read, so its form does not matter
    public void Multi_repeated_header_uses_the_first_value_and_counts_the_repeat(string name, string again)
    {
        var headers = Multi(("x-b3-traceid", Trace), ("x-b3-spanid", Span), ("x-b3-parentspanid", Parent), ("x-b3-sampled", "1"), ("x-b3-flags", "1"), (name, again));

        var incoming = TraceContextExtractor.Extract(headers, PropagationSettings.DefaultPrecedence);

        Assert.Equal(new TraceContext(TraceValue, new SpanId(0xe457b5a2e4d86bd1), new SpanId(0x05e3ac9a4f6e3b90), SamplingDecision.Debug, TraceFormat.B3Multi),
            incoming.Context!.Value with { Ignored = default });
        Assert.Equal(RejectReason.None, incoming.Rejects[TraceFormat.B3Multi]);
        Assert.True(incoming.Rejects.Ignored(TraceFormat.B3Multi).Contains(RejectReason.Repeated));
        Assert.True(incoming.Rejects.Any);
    }

    [Fact]
    public void Single_repeated_header_uses_the_first_value_and_counts_the_repeat()
    {
        var headers = Multi(("b3", $"{Trace}-{Span}-1"), ("b3", "0"));

        var incoming = TraceContextExtractor.Extract(headers, PropagationSettings.DefaultPrecedence);

        Assert.Equal(TraceValue, incoming.Context!.Value.TraceId);
        Assert.Equal(SamplingDecision.Sampled, incoming.Sampling);
        Assert.Equal(RejectReason.None, incoming.Rejects[TraceFormat.B3Single]);
        Assert.True(incoming.Rejects.Ignored(TraceFormat.B3Single).Contains(RejectReason.Repeated));
    }

    [Fact]
    public void Repeated_traceparent_is_still_refused_as_the_W3C_test_suite_requires()
    {
        var headers = Multi(("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"));

        var incoming = TraceContextExtractor.Extract(headers, PropagationSettings.DefaultPrecedence);

        Assert.Null(incoming.Context);
        Assert.Equal(RejectReason.Duplicate, incoming.Rejects[TraceFormat.TraceParent]);
    }

    private static HeaderSet Multi(params (string Name, string Value)[] headers) => Analysis.Headers.Of(headers);

    private static byte[] A(string s) => Encoding.ASCII.GetBytes(s);
}
