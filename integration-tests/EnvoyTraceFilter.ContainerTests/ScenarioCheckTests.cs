using System.Text.Json;
using EnvoyTraceFilter.Scenarios;
using Xunit.Sdk;

namespace EnvoyTraceFilter.ContainerTests;

/// <summary>The shared checks fail where they must: ScenarioTests only ever sees them pass.</summary>
public sealed class ScenarioCheckTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string SpanId = "99a78cc55955a63f";

    [Fact]
    public void Placeholders_AreTheIdsTheAppReceived()
    {
        var check = Check("""{"upstreamHeaders": {"b3": "{traceId}-{spanId}-1"}, "xray": {"trace_id": "{xrayTraceId}"}}""");

        check.UpstreamHeaders(Upstream(("b3", $"{TraceId}-{SpanId}-1")));
        check.XRaySegment(Json("""{"trace_id": "1-4bf92f35-77b34da6a3ce929d0e0e4736"}"""));
    }

    [Fact]
    public void For_WithoutB3Ids_FailsSayingTheFilterDidNotTranslate()
    {
        var expectations = new ScenarioExpectations(Json("{}"));

        var error = Assert.ThrowsAny<XunitException>(() => expectations.For(_ => null));

        Assert.Contains("x-b3-traceid (absent) and x-b3-spanid (absent): the filter did not translate the request", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"b3": "x"}""", "upstream header b3: expected x, got (absent)")]
    [InlineData("""{"x-b3-traceid": null}""", $"upstream header x-b3-traceid: expected (absent), got {TraceId}")]
    public void UpstreamHeader_Mismatch_NamesTheHeader(string expected, string message)
    {
        var check = Check($$"""{"upstreamHeaders": {{expected}}}""");

        Assert.Contains(message, Assert.ThrowsAny<XunitException>(() => check.UpstreamHeaders(Upstream())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResponseStatus_Mismatch_Fails()
    {
        var check = Check("""{"responseStatus": 503}""");

        Assert.ThrowsAny<XunitException>(() => check.Response(200, _ => null));
    }

    [Theory]
    [InlineData("""{"tags": {"$exact": true, "a": "1"}}""", """{"tags": {"a": "1", "b": "2"}}""", "zipkin.tags: expected exactly [a], got [a, b]")]
    [InlineData("""{"tags": {"$exact": true, "a": "1"}}""", """{"tags": {"a": "1", "otel.scope.name": "x"}}""", null)]
    [InlineData("""{"parentId": null}""", """{"parentId": "f5fcf8089dec2751"}""", "zipkin.parentId: expected absent, got \"f5fcf8089dec2751\"")]
    [InlineData("""{"localEndpoint": {"serviceName": "api"}}""", """{"localEndpoint": {"serviceName": "web"}}""", "zipkin.localEndpoint.serviceName: expected \"api\", got \"web\"")]
    [InlineData("""{"duration": 12}""", """{"duration": "12"}""", "zipkin.duration: expected a number, got \"12\"")]
    [InlineData("""{"shared": true}""", """{}""", "zipkin.shared: missing in {}")]
    public void Fields_CompareAsTheReadmeSays(string expected, string actual, string? message)
    {
        var check = Check($$"""{"zipkin": {{expected}}}""");

        if (message is null)
        {
            check.ZipkinSpan(Json(actual));
            return;
        }

        Assert.Contains(message, Assert.ThrowsAny<XunitException>(() => check.ZipkinSpan(Json(actual))).Message, StringComparison.Ordinal);
    }

    private static ScenarioCheck Check(string expect) => new ScenarioExpectations(Json(expect)).For(Upstream());

    private static Func<string, string?> Upstream(params (string Name, string Value)[] extra)
    {
        var headers = new ReceivedHeaders(extra.Concat([("x-b3-traceid", TraceId), ("x-b3-spanid", SpanId)]));
        return headers.Get;
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
