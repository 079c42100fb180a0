using EnvoyTraceFilter.Core.Analysis;
using EnvoyTraceFilter.Core.ClientIdentity;
using EnvoyTraceFilter.Core.Naming;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Core.Tests.Analysis;

public sealed class RequestAnalyzerTests
{
    private const string GcpTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string GcpHeader = GcpTrace + "/17725314949316355921;o=1";

    private static RequestAnalyzer Analyzer(IReadOnlyList<TraceFormat>? outputs = null, PropagationMode mode = PropagationMode.Hop,
        IReadOnlyList<TraceFormat>? precedence = null, bool fixedSampled = true) =>
        new(new PropagationSettings(precedence, outputs, mode),
            new Sampler(new SamplingOptions { Strategy = fixedSampled ? SamplingStrategy.Always : SamplingStrategy.Never }),
            new ClientAddressResolver(new ClientAddressOptions()),
            new ServiceNamer([], "My application", null, 100),
            new FixedIdGenerator());

    [Fact]
    public void Analyze_CloudTraceOnly_WritesB3AndTraceParentWithNewSpanAndGcpParent()
    {
        var decision = Analyzer().Analyze(Headers.Of(("x-cloud-trace-context", GcpHeader)));

        Assert.Equal(
            [
                "x-b3-traceid: " + GcpTrace,
                "x-b3-spanid: 1111111111111111",
                "x-b3-parentspanid: f5fcf8089dec2751",
                "x-b3-sampled: 1",
                "b3: " + GcpTrace + "-1111111111111111-1-f5fcf8089dec2751",
                "traceparent: 00-" + GcpTrace + "-1111111111111111-01",
            ],
            Headers.Lines(decision.Edits));
        Assert.True(decision.Sampled);
        Assert.Equal(TraceFormat.CloudTrace, decision.Incoming.Context!.Value.Format);
    }

    [Fact]
    public void Analyze_B3PresentWithCloudTrace_KeepsB3TraceIdAndParentsOnB3Span()
    {
        var decision = Analyzer().Analyze(Headers.Of(
            ("x-cloud-trace-context", GcpHeader),
            ("x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"),
            ("x-b3-spanid", "e457b5a2e4d86bd1"),
            ("x-b3-sampled", "0")));

        Assert.Equal(
            [
                "x-b3-traceid: 80f198ee56343ba864fe8b2a57d3eff7",
                "x-b3-spanid: 1111111111111111",
                "x-b3-parentspanid: e457b5a2e4d86bd1",
                "x-b3-sampled: 0",
                "b3: 80f198ee56343ba864fe8b2a57d3eff7-1111111111111111-0-e457b5a2e4d86bd1",
                "traceparent: 00-80f198ee56343ba864fe8b2a57d3eff7-1111111111111111-00",
            ],
            Headers.Lines(decision.Edits));
        Assert.False(decision.Sampled);
    }

    [Fact]
    public void Analyze_SingleB3BeatsMultiB3()
    {
        var decision = Analyzer().Analyze(Headers.Of(
            ("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1"),
            ("x-b3-traceid", "0af7651916cd43dd8448eb211c80319c"),
            ("x-b3-spanid", "b7ad6b7169203331")));

        Assert.Equal("80f198ee56343ba864fe8b2a57d3eff7", decision.Edits.Find(Headers.Known("x-b3-traceid")));
        Assert.Equal("e457b5a2e4d86bd1", decision.Edits.Find(Headers.Known("x-b3-parentspanid")));
    }

    [Theory]
    // traceparent outranks X-Ray and Cloud Trace.
    [InlineData("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0", GcpHeader, "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", "1")]
    // Malformed traceparent (upper case) does not hide a valid X-Ray header.
    [InlineData("00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0", GcpHeader, "5759e988bd862e3fe1be46a994272793", "53995c3f42cd8ad8", "0")]
    // Malformed traceparent and X-Ray: Cloud Trace is used.
    [InlineData("garbage", "Root=1-zzzz;Parent=53995c3f42cd8ad8", GcpHeader, GcpTrace, "f5fcf8089dec2751", "1")]
    public void Analyze_Precedence_PicksHighestValidFormat(string traceparent, string xray, string cloud, string traceId, string parent, string sampled)
    {
        var decision = Analyzer().Analyze(Headers.Of(("traceparent", traceparent), ("x-amzn-trace-id", xray), ("x-cloud-trace-context", cloud)));

        Assert.Equal(traceId, decision.Edits.Find(Headers.Known("x-b3-traceid")));
        Assert.Equal(parent, decision.Edits.Find(Headers.Known("x-b3-parentspanid")));
        Assert.Equal(sampled, decision.Edits.Find(Headers.Known("x-b3-sampled")));
    }

    [Fact]
    public void Analyze_MalformedHeaders_AreRecordedByReason()
    {
        var decision = Analyzer().Analyze(Headers.Of(("traceparent", "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), ("x-cloud-trace-context", GcpTrace + "/0;o=1")));

        Assert.Equal(RejectReason.BadVersion, decision.Incoming.Rejects[TraceFormat.TraceParent]);
        Assert.Equal(RejectReason.ZeroSpanId, decision.Incoming.Rejects[TraceFormat.CloudTrace]);
        Assert.Null(decision.Incoming.Context);
    }

    [Fact]
    public void Analyze_NoValidInput_StartsNewTraceWithFixedDecisionAndRemovesStaleB3Fields()
    {
        var decision = Analyzer(fixedSampled: false).Analyze(Headers.Of(("x-b3-parentspanid", "e457b5a2e4d86bd1"), ("x-b3-flags", "7")));

        Assert.Equal(
            [
                "-x-b3-parentspanid",
                "-x-b3-flags",
                "x-b3-traceid: 65600000123456789abcdef012345678",
                "x-b3-spanid: 1111111111111111",
                "x-b3-sampled: 0",
                "b3: 65600000123456789abcdef012345678-1111111111111111-0",
                "traceparent: 00-65600000123456789abcdef012345678-1111111111111111-00",
            ],
            Headers.Lines(decision.Edits));
    }

    [Fact]
    public void Analyze_B3Debug_WritesFlagsAndDropsSampled()
    {
        var decision = Analyzer().Analyze(Headers.Of(
            ("x-b3-traceid", "463ac35c9f6413ad"), ("x-b3-spanid", "a2fb4a1d1a96d312"), ("x-b3-sampled", "1"), ("x-b3-flags", "1")));

        Assert.Equal(
            [
                "-x-b3-sampled",
                "x-b3-traceid: 463ac35c9f6413ad",
                "x-b3-spanid: 1111111111111111",
                "x-b3-parentspanid: a2fb4a1d1a96d312",
                "x-b3-flags: 1",
                "b3: 463ac35c9f6413ad-1111111111111111-d-a2fb4a1d1a96d312",
                "traceparent: 00-0000000000000000463ac35c9f6413ad-1111111111111111-01",
            ],
            Headers.Lines(decision.Edits));
    }

    [Fact]
    public void Analyze_SamplingOnlyB3_KeepsDecisionForIdsFromLowerFormat()
    {
        var decision = Analyzer().Analyze(Headers.Of(("b3", "0"), ("x-cloud-trace-context", GcpHeader)));

        Assert.Equal(GcpTrace, decision.Edits.Find(Headers.Known("x-b3-traceid")));
        Assert.Equal("0", decision.Edits.Find(Headers.Known("x-b3-sampled")));
    }

    [Fact]
    public void Analyze_AllOutputs_WritesXRayAndCloudTraceToo()
    {
        var outputs = new[] { TraceFormat.XRay, TraceFormat.CloudTrace };
        var decision = Analyzer(outputs).Analyze(Headers.Of(
            ("x-amzn-trace-id", "Root=1-5759e988-bd862e3fe1be46a994272793;Self=1-5759e988-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=?")));

        Assert.Equal(
            [
                "x-amzn-trace-id: Root=1-5759e988-bd862e3fe1be46a994272793;Parent=1111111111111111;Sampled=1;Self=1-5759e988-0123456789abcdef01234567",
                "x-cloud-trace-context: 5759e988bd862e3fe1be46a994272793/1229782938247303441;o=1",
            ],
            Headers.Lines(decision.Edits));
    }

    [Fact]
    public void Analyze_TranslateOnly_FillsMissingFormatsWithIncomingSpanAndLeavesValidOnesAlone()
    {
        var decision = Analyzer(mode: PropagationMode.TranslateOnly).Analyze(Headers.Of(
            ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
            ("b3", "garbage")));

        Assert.Equal(
            [
                "x-b3-traceid: 0af7651916cd43dd8448eb211c80319c",
                "x-b3-spanid: b7ad6b7169203331",
                "x-b3-sampled: 1",
                "b3: 0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1",
            ],
            Headers.Lines(decision.Edits));
    }

    [Fact]
    public void Analyze_TranslateOnlyWithoutContext_WritesNothing()
    {
        var decision = Analyzer(mode: PropagationMode.TranslateOnly).Analyze(Headers.Of(("traceparent", "nope")));

        Assert.True(decision.Edits.IsEmpty);
        Assert.Null(decision.Outgoing);
    }
}
