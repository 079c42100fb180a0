using Envoy.Service.ExtProc.V3;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.ExtProc;
using Google.Protobuf;

namespace EnvoyTraceFilter.Tests.ExtProc;

/// <summary>The filter writes answers itself; each must be the bytes Google.Protobuf writes for the same message.</summary>
public sealed class ExtProcAnswerWireTests
{
    public static TheoryData<string> FixedAnswers() =>
        ["RequestHeadersUnchanged", "RequestHeadersContinue", "ResponseHeadersUnchanged", "RequestBody", "ResponseBody", "RequestTrailers", "ResponseTrailers"];

    [Theory]
    [MemberData(nameof(FixedAnswers))]
    public void FixedAnswers_AreProtobufsBytes(string name)
    {
        var answer = (ExtProcAnswer)typeof(ExtProcAnswer).GetProperty(name)!.GetValue(null)!;

        AssertSameBytes(answer);
    }

    [Fact]
    public void FixedAnswers_AreTheExpectedMessages()
    {
        Assert.Equal("0A00", Hex(ExtProcAnswer.RequestHeadersUnchanged));
        Assert.Equal("0A020A00", Hex(ExtProcAnswer.RequestHeadersContinue));
        Assert.Equal("1200", Hex(ExtProcAnswer.ResponseHeadersUnchanged));
        Assert.Equal("1A00", Hex(ExtProcAnswer.RequestBody));
        Assert.Equal("2200", Hex(ExtProcAnswer.ResponseBody));
        Assert.Equal("2A00", Hex(ExtProcAnswer.RequestTrailers));
        Assert.Equal("3200", Hex(ExtProcAnswer.ResponseTrailers));
    }

    [Fact]
    public void OneHeader_IsWrittenAsKeyAndRawValueOnly()
    {
        var edits = new HeaderEdits(16);
        edits.Set("x-b3-sampled", "1");

        var answer = ExtProcAnswer.Mutating(requestPhase: true, Plan(edits));

        // request_headers { response { header_mutation { set_headers { header { key: "x-b3-sampled" raw_value: "1" } } } } }
        Assert.Equal("0A19" + "0A17" + "1215" + "0A13" + "0A11" + "0A0C" + Convert.ToHexString("x-b3-sampled"u8) + "1A0131", Hex(answer));
        AssertSameBytes(answer);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(16_383)]
    [InlineData(16_384)]
    [InlineData(2_097_152)]
    public void ValueLengths_AcrossVarintBoundaries_MatchProtobuf(int length)
    {
        var edits = new HeaderEdits(length + 64);
        edits.Set("x-app-value", new string('v', length));
        edits.Set(KnownHeader.B3, "4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1"u8);

        AssertSameBytes(ExtProcAnswer.Mutating(requestPhase: true, Plan(edits)));
        AssertSameBytes(ExtProcAnswer.Mutating(requestPhase: false, Plan(edits)));
    }

    [Fact]
    public void Removals_FollowTheSets_AsProtobufOrdersFields()
    {
        var edits = new HeaderEdits(64);
        edits.Remove(KnownHeader.XB3ParentSpanId);
        edits.Set(KnownHeader.XB3TraceId, "4bf92f3577b34da6a3ce929d0e0e4736"u8);
        edits.Remove(KnownHeader.XB3Flags);

        var answer = ExtProcAnswer.Mutating(requestPhase: true, Plan(edits));

        AssertSameBytes(answer);
        Assert.Equal(["x-b3-parentspanid", "x-b3-flags"], answer.ToMessage().RequestHeaders.Response.HeaderMutation.RemoveHeaders);
    }

    [Fact]
    public void RandomEdits_MatchProtobuf()
    {
        var random = new Random(20261202);
        string[] names = ["x-b3-traceid", "x-b3-spanid", "b3", "traceparent", "x-amzn-trace-id", "x-cloud-trace-context", "x-service-name", "x-app-é"];
        for (var run = 0; run < 500; run++)
        {
            var edits = new HeaderEdits(32);
            for (var i = random.Next(0, 8); i > 0; i--)
            {
                var value = new byte[random.Next(0, 300)];
                random.NextBytes(value);
                edits.Set(names[random.Next(names.Length)], Convert.ToBase64String(value));
            }

            for (var i = random.Next(0, 3); i > 0; i--)
            {
                edits.Remove(KnownHeader.XB3Flags);
            }

            AssertSameBytes(ExtProcAnswer.Mutating(requestPhase: random.Next(2) == 0, Plan(edits)));
        }
    }

    private static HeaderMutationPlan Plan(HeaderEdits edits) =>
        new(edits, HeaderBudget.Fit(edits, new ProtoHeaderMapSize(null), HeaderLimits.FromKb(1000, 8192)));

    private static string Hex(ExtProcAnswer answer) => Convert.ToHexString(ExtProcMethod.ToBytes(answer));

    private static void AssertSameBytes(ExtProcAnswer answer)
    {
        var message = answer.ToMessage();
        Assert.Equal(Convert.ToHexString(message.ToByteArray()), Hex(answer));
        Assert.Equal(message.CalculateSize(), answer.CalculateSize());
        Assert.Equal(message, ProcessingResponse.Parser.ParseFrom(ExtProcMethod.ToBytes(answer)));
    }
}
