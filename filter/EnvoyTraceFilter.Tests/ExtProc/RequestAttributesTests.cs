using Envoy.Service.ExtProc.V3;
using EnvoyTraceFilter.ExtProc;
using Google.Protobuf.WellKnownTypes;

namespace EnvoyTraceFilter.Tests.ExtProc;

/// <summary>
/// request.time in every form Envoy prints it (absl RFC3339_full in UTC: as many fraction digits as the
/// nanoseconds need, none on a whole second, "+00:00"), plus "Z" from other senders.
/// </summary>
public sealed class RequestAttributesTests
{
    private static readonly DateTimeOffset Second = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Theory]
    [InlineData("2025-01-02T03:04:05.123456789+00:00", 1_234_567)] // usual: 9 digits, cut to .NET's 100 ns tick
    [InlineData("2025-01-02T03:04:05.999999999+00:00", 9_999_999)] // cut, never rounded into the next second
    [InlineData("2025-01-02T03:04:05.12345678+00:00", 1_234_567)]
    [InlineData("2025-01-02T03:04:05.1234567+00:00", 1_234_567)]
    [InlineData("2025-01-02T03:04:05.123456+00:00", 1_234_560)]
    [InlineData("2025-01-02T03:04:05.1+00:00", 1_000_000)]
    [InlineData("2025-01-02T03:04:05.000000001+00:00", 0)]
    [InlineData("2025-01-02T03:04:05+00:00", 0)] // a whole second: no fraction at all
    [InlineData("2025-01-02T03:04:05.5Z", 5_000_000)]
    [InlineData("2025-01-02T05:04:05.5+02:00", 5_000_000)]
    public void RequestTime_EveryEnvoyForm(string text, long ticks)
    {
        var time = RequestAttributes.Read(With(("request.time", Value.ForString(text)))).RequestTime;

        Assert.Equal(Second.AddTicks(ticks), time);
        Assert.Equal(TimeSpan.Zero, time!.Value.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2025-01-02T03:04:05.1234567890+00:00")] // more than nanoseconds
    [InlineData("2025-01-02T03:04:05.+00:00")]
    [InlineData("2025-01-02 03:04:05+00:00")]
    [InlineData("2025-01-02T03:04:05")] // no zone: ambiguous
    [InlineData("2025-02-29T03:04:05+00:00")]
    [InlineData("2025-01-02T24:00:00+00:00")]
    [InlineData("2025-01-02T03:04:05+15:00")]
    [InlineData("0001-01-01T00:00:00+14:00")] // before DateTimeOffset.MinValue once in UTC
    [InlineData("9999-12-31T23:59:59-14:00")]
    public void RequestTime_AnythingElse_IsIgnored(string text) =>
        Assert.Null(RequestAttributes.Read(With(("request.time", Value.ForString(text)))).RequestTime);

    [Fact]
    public void RequestTime_NotAString_IsIgnored() =>
        Assert.Null(RequestAttributes.Read(With(("request.time", Value.ForNumber(1.5)))).RequestTime);

    [Fact]
    public void SourceAddress_AndNoAttributes()
    {
        Assert.Equal("203.0.113.7:0", RequestAttributes.Read(With(("source.address", Value.ForString("203.0.113.7:0")))).SourceAddress);
        Assert.Equal(default, RequestAttributes.Read(new ProcessingRequest()));
    }

    private static ProcessingRequest With(params (string Name, Value Value)[] fields)
    {
        var attributes = new Struct();
        foreach (var (name, value) in fields)
        {
            attributes.Fields[name] = value;
        }

        var request = new ProcessingRequest { RequestHeaders = new HttpHeaders() };
        request.Attributes[RequestAttributes.Key] = attributes;
        return request;
    }
}
