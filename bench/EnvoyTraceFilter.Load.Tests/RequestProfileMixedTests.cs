using Envoy.Service.ExtProc.V3;
using EnvoyTraceFilter.Load;

namespace EnvoyTraceFilter.Load.Tests;

/// <summary>The soak's mixed profile: Envoy's request_headers (attributes, no body modes) and varied response_headers.</summary>
public sealed class RequestProfileMixedTests
{
    private static readonly DateTimeOffset RequestTime = new(2026, 12, 2, 5, 0, 0, TimeSpan.Zero);

    private static ProcessingRequest Parse(byte[] framed) => ProcessingRequest.Parser.ParseFrom(framed.AsSpan(5));

    [Fact]
    public void Every_variant_carries_envoys_attributes_and_no_body_modes()
    {
        var profile = RequestProfile.Build("mixed", RequestTime);

        Assert.Equal("mixed", profile.Name);
        for (var i = 0; i < RequestProfile.Variants; i++)
        {
            var first = Parse(profile.RequestHeaders[i]);
            var attributes = first.Attributes["envoy.filters.http.ext_proc"].Fields;
            Assert.Equal($"10.0.0.7:{40000 + i}", attributes["source.address"].StringValue);
            Assert.Equal("2026-12-02T05:00:00.000000+00:00", attributes["request.time"].StringValue);
            Assert.Equal(Envoy.Extensions.Filters.Http.ExtProc.V3.ProcessingMode.Types.BodySendMode.None, first.ProtocolConfig.RequestBodyMode);
            Assert.Equal(i % 7 != 0, first.RequestHeaders.EndOfStream);
        }
    }

    [Fact]
    public void Every_eleventh_response_is_a_503_and_all_carry_a_content_length()
    {
        var profile = RequestProfile.Build("mixed", RequestTime);

        for (var i = 0; i < RequestProfile.Variants; i++)
        {
            var headers = Parse(profile.ResponseHeaders[i]).ResponseHeaders.Headers.Headers.ToDictionary(h => h.Key, h => h.RawValue.ToStringUtf8());
            Assert.Equal(i % 11 == 0 ? "503" : "200", headers[":status"]);
            Assert.Equal("1234", headers["content-length"]);
        }
    }
}
