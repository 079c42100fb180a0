using EnvoyTraceFilter.Core.Analysis;
using EnvoyTraceFilter.Core.ClientIdentity;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Naming;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Core.Tests.Analysis;

/// <summary>What the app (and the caller) receive for the peer-conformance cases of issue 7, items 3–5 and 8.</summary>
public sealed class ConformanceAnalyzerTests
{
    private const string Root = "1-5759e988-bd862e3fe1be46a994272793";
    private const string RootTrace = "5759e988bd862e3fe1be46a994272793";
    private const string W3CTrace = "0af7651916cd43dd8448eb211c80319c";
    private const string TraceParent = "00-" + W3CTrace + "-b7ad6b7169203331-01";

    private static readonly TraceFormat[] AllOutputs =
        [TraceFormat.B3Multi, TraceFormat.B3Single, TraceFormat.TraceParent, TraceFormat.XRay, TraceFormat.CloudTrace];

    private static RequestAnalyzer Analyzer(IReadOnlyList<TraceFormat>? outputs = null, PropagationMode mode = PropagationMode.Hop, bool sampled = true) =>
        new(new PropagationSettings(null, outputs, mode),
            new Sampler(new SamplingOptions { Strategy = sampled ? SamplingStrategy.Always : SamplingStrategy.Never }),
            new ClientAddressResolver(new ClientAddressOptions()),
            new ServiceNamer([], "My application", null, 100),
            new FixedIdGenerator());

    // ---- item 3: B3 -------------------------------------------------------------------------------------------

    [Fact]
    public void Brave_s_trace_span_parent_single_header_is_a_context_without_decision()
    {
        var decision = Analyzer(sampled: false).Analyze(Headers.Of(("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-05e3ac9a4f6e3b90")));

        Assert.Equal("80f198ee56343ba864fe8b2a57d3eff7", decision.Outgoing!.Value.TraceId.ToString());
        Assert.Equal("e457b5a2e4d86bd1", decision.Edits.Find(Headers.Known("x-b3-parentspanid")));
        Assert.Equal("0", decision.Edits.Find(Headers.Known("x-b3-sampled"))); // decided here: the header carried none
        Assert.False(decision.Incoming.Rejects.Any);
    }

    [Fact]
    public void Repeated_x_b3_traceid_keeps_the_context_and_is_recorded()
    {
        var decision = Analyzer().Analyze(Headers.Of(
            ("x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"), ("x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124"),
            ("x-b3-spanid", "e457b5a2e4d86bd1"), ("x-b3-sampled", "1")));

        Assert.Equal("80f198ee56343ba864fe8b2a57d3eff7", decision.Edits.Find(Headers.Known("x-b3-traceid")));
        Assert.Equal("e457b5a2e4d86bd1", decision.Edits.Find(Headers.Known("x-b3-parentspanid")));
        Assert.True(decision.Incoming.Rejects.Ignored(TraceFormat.B3Multi).Contains(RejectReason.Repeated));
    }

    // ---- item 4: W3C ------------------------------------------------------------------------------------------

    [Fact]
    public void Several_tracestate_lines_are_joined_in_order_into_one()
    {
        var decision = Analyzer().Analyze(Headers.Of(("traceparent", TraceParent), ("tracestate", "congo=t61rcWkgMzE"), ("tracestate", "rojo=00f067aa0ba902b7")));

        Assert.Equal(
            [
                "-tracestate",
                "x-b3-traceid: " + W3CTrace,
                "x-b3-spanid: 1111111111111111",
                "x-b3-parentspanid: b7ad6b7169203331",
                "x-b3-sampled: 1",
                "b3: " + W3CTrace + "-1111111111111111-1-b7ad6b7169203331",
                "traceparent: 00-" + W3CTrace + "-1111111111111111-01",
                "tracestate: congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
            ],
            Headers.Lines(decision.Edits));
    }

    [Fact]
    public void Empty_tracestate_lines_are_left_out_of_the_join()
    {
        var decision = Analyzer().Analyze(Headers.Of(("traceparent", TraceParent), ("tracestate", ""), ("tracestate", "rojo=00f067aa0ba902b7"), ("tracestate", " ")));

        Assert.Equal("rojo=00f067aa0ba902b7", decision.Edits.Find(Headers.Known("tracestate")));
        Assert.Contains("-tracestate", Headers.Lines(decision.Edits));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \t")]
    public void An_empty_tracestate_is_removed_not_sent_on_empty(string empty)
    {
        var decision = Analyzer().Analyze(Headers.Of(("traceparent", TraceParent), ("tracestate", empty)));

        Assert.Contains("-tracestate", Headers.Lines(decision.Edits));
        Assert.Null(decision.Edits.Find(Headers.Known("tracestate")));
    }

    [Fact]
    public void A_single_tracestate_line_is_left_alone()
    {
        var decision = Analyzer().Analyze(Headers.Of(("traceparent", TraceParent), ("tracestate", "rojo=00f067aa0ba902b7")));

        Assert.DoesNotContain(Headers.Lines(decision.Edits), line => line.Contains("tracestate"));
    }

    [Theory]
    [InlineData("03", true, "03")] // random + sampled
    [InlineData("02", true, "02")] // random, not sampled (trusted)
    [InlineData("ff", true, "03")] // unknown bits cleared, random kept
    [InlineData("fd", true, "01")] // no random bit: nothing to keep
    [InlineData("01", false, "01")]
    public void Random_trace_id_flag_is_kept_with_the_trace_id_other_bits_cleared(string flags, bool sampledLocally, string expected)
    {
        var decision = Analyzer(sampled: sampledLocally).Analyze(Headers.Of(("traceparent", "00-" + W3CTrace + "-b7ad6b7169203331-" + flags)));

        Assert.Equal("00-" + W3CTrace + "-1111111111111111-" + expected, decision.Edits.Find(Headers.Known("traceparent")));
    }

    [Fact]
    public void Random_trace_id_flag_is_not_claimed_for_a_trace_id_from_another_format()
    {
        var decision = Analyzer().Analyze(Headers.Of(("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1"), ("traceparent", "00-" + W3CTrace + "-b7ad6b7169203331-03")));

        Assert.Equal("00-80f198ee56343ba864fe8b2a57d3eff7-1111111111111111-01", decision.Edits.Find(Headers.Known("traceparent")));
    }

    // ---- item 5: X-Amzn-Trace-Id ------------------------------------------------------------------------------

    [Theory]
    [InlineData(true, "1")]
    [InlineData(false, "0")]
    public void Sampled_question_mark_is_answered_in_the_response_with_Root_and_the_decision(bool sampled, string expected)
    {
        var decision = Analyzer(sampled: sampled).Analyze(Headers.Of(("x-amzn-trace-id", "Root=" + Root + ";Parent=53995c3f42cd8ad8;Sampled=?")));

        Assert.Equal(["x-amzn-trace-id: Root=" + Root + ";Sampled=" + expected], Headers.Lines(decision.ResponseEdits));
    }

    [Theory]
    [InlineData("Root=" + Root + ";Parent=53995c3f42cd8ad8;Sampled=1")]
    [InlineData("Root=" + Root + ";Parent=53995c3f42cd8ad8")]
    public void Without_Sampled_question_mark_the_response_is_not_touched(string xray)
    {
        var decision = Analyzer().Analyze(Headers.Of(("x-amzn-trace-id", xray)));

        Assert.True(decision.ResponseEdits.IsEmpty);
    }

    [Fact]
    public void The_shared_empty_response_edits_refuse_changes()
    {
        var e = Assert.Throws<InvalidOperationException>(() => HeaderEdits.Empty.Set(KnownHeader.XAmznTraceId, "Root=x"u8));
        Assert.Equal("HeaderEdits.Empty is shared and cannot be edited.", e.Message);
        Assert.True(HeaderEdits.Empty.IsEmpty);
    }

    [Fact]
    public void Translate_only_does_not_answer_Sampled_question_mark_the_app_s_SDK_does()
    {
        var decision = Analyzer(mode: PropagationMode.TranslateOnly).Analyze(Headers.Of(("x-amzn-trace-id", "Root=" + Root + ";Parent=53995c3f42cd8ad8;Sampled=?")));

        Assert.True(decision.ResponseEdits.IsEmpty);
    }

    [Fact]
    public void Extra_fields_are_echoed_only_when_safe()
    {
        var decision = Analyzer([TraceFormat.XRay]).Analyze(Headers.Of(
            ("x-amzn-trace-id", "Root=" + Root + ";Parent=53995c3f42cd8ad8;Sampled=1;Self=a\u0001b;Lineage=a87bd80c:1;Lineage=x:2;;=z")));

        Assert.Equal(["x-amzn-trace-id: Root=" + Root + ";Parent=1111111111111111;Sampled=1;Lineage=a87bd80c:1"], Headers.Lines(decision.Edits));
        Assert.True(decision.Incoming.Rejects.Ignored(TraceFormat.XRay).Contains(RejectReason.FieldIgnored));
        Assert.True(decision.Incoming.Rejects.Ignored(TraceFormat.XRay).Contains(RejectReason.Repeated));
    }

    [Theory]
    [InlineData("Root=bad;Self=1-abc-def;Parent=53995c3f42cd8ad8")]
    [InlineData("Root=" + Root + ";Parent=53995c3f42cd8ad8;Sampled=2;Self=1-abc-def")]
    public void Translate_only_a_rejected_xray_header_contributes_nothing(string xray)
    {
        var decision = Analyzer(AllOutputs, PropagationMode.TranslateOnly).Analyze(Headers.Of(("traceparent", TraceParent), ("x-amzn-trace-id", xray)));

        Assert.Equal("Root=1-0af76519-16cd43dd8448eb211c80319c;Parent=b7ad6b7169203331;Sampled=1", decision.Edits.Find(Headers.Known("x-amzn-trace-id")));
    }

    [Fact]
    public void Translate_only_an_over_long_xray_header_contributes_nothing()
    {
        var xray = "Root=" + Root + ";Big=" + new string('x', 69 * 1024);
        var decision = Analyzer(AllOutputs, PropagationMode.TranslateOnly).Analyze(Headers.Of(("traceparent", TraceParent), ("x-amzn-trace-id", xray)));

        Assert.Equal(RejectReason.TooLong, decision.Incoming.Rejects[TraceFormat.XRay]);
        Assert.Equal("Root=1-0af76519-16cd43dd8448eb211c80319c;Parent=b7ad6b7169203331;Sampled=1", decision.Edits.Find(Headers.Known("x-amzn-trace-id")));
    }

    // ---- item 8: translate-only -------------------------------------------------------------------------------

    [Fact]
    public void Translate_only_never_invents_a_decision()
    {
        // Sampled locally ("Always") would have been 1: nothing of it may show.
        var decision = Analyzer(AllOutputs, PropagationMode.TranslateOnly).Analyze(Headers.Of(("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-05e3ac9a4f6e3b90")));

        Assert.Equal(
            [
                "x-b3-traceid: 80f198ee56343ba864fe8b2a57d3eff7",
                "x-b3-spanid: e457b5a2e4d86bd1",
                "x-b3-parentspanid: 05e3ac9a4f6e3b90",
                "traceparent: 00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-00",
                "x-amzn-trace-id: Root=1-80f198ee-56343ba864fe8b2a57d3eff7;Parent=e457b5a2e4d86bd1",
                "x-cloud-trace-context: 80f198ee56343ba864fe8b2a57d3eff7/16453819474850114513",
            ],
            Headers.Lines(decision.Edits));
    }

    [Fact]
    public void Translate_only_without_decision_writes_b3_single_without_its_sampling_field()
    {
        var decision = Analyzer(mode: PropagationMode.TranslateOnly).Analyze(Headers.Of(("x-cloud-trace-context", "4bf92f3577b34da6a3ce929d0e0e4736/17725314949316355921")));

        Assert.Equal(
            [
                "x-b3-traceid: 4bf92f3577b34da6a3ce929d0e0e4736",
                "x-b3-spanid: f5fcf8089dec2751",
                "b3: 4bf92f3577b34da6a3ce929d0e0e4736-f5fcf8089dec2751",
                "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-f5fcf8089dec2751-00",
            ],
            Headers.Lines(decision.Edits));
    }

    [Fact]
    public void Translate_only_lone_x_b3_sampled_is_not_B3_present_ids_are_filled_and_its_decision_kept()
    {
        var decision = Analyzer(mode: PropagationMode.TranslateOnly, sampled: true).Analyze(Headers.Of(("x-b3-sampled", "0"), ("traceparent", TraceParent)));

        Assert.Equal(
            [
                "x-b3-traceid: " + W3CTrace,
                "x-b3-spanid: b7ad6b7169203331",
                "x-b3-sampled: 0",
                "b3: " + W3CTrace + "-b7ad6b7169203331-0",
            ],
            Headers.Lines(decision.Edits));
    }

    [Fact]
    public void Translate_only_lone_x_b3_flags_debug_is_kept()
    {
        var decision = Analyzer(mode: PropagationMode.TranslateOnly).Analyze(Headers.Of(("x-b3-flags", "1"), ("x-cloud-trace-context", "4bf92f3577b34da6a3ce929d0e0e4736/17725314949316355921;o=0")));

        Assert.Equal(
            [
                "x-b3-traceid: 4bf92f3577b34da6a3ce929d0e0e4736",
                "x-b3-spanid: f5fcf8089dec2751",
                "x-b3-flags: 1",
                "b3: 4bf92f3577b34da6a3ce929d0e0e4736-f5fcf8089dec2751-d",
                "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-f5fcf8089dec2751-01",
            ],
            Headers.Lines(decision.Edits));
    }
}
