using System.Text.Json;
using Xunit;

namespace EnvoyTraceFilter.Scenarios;

/// <summary>A scenario's "expect" object (format: scenarios/README.md).</summary>
public sealed class ScenarioExpectations(JsonElement expect)
{
    /// <summary>The "expect" object as written.</summary>
    public JsonElement Json => expect;

    public bool HasZipkin => expect.TryGetProperty("zipkin", out _);

    public bool HasXRay => expect.TryGetProperty("xray", out _);

    /// <summary>
    /// The checks of one run: the placeholders ({spanId}, {traceId}, {xrayTraceId}) come from the x-b3-* headers the
    /// app received, new for every run.
    /// </summary>
    public ScenarioCheck For(Func<string, string?> upstreamHeader)
    {
        var traceId = upstreamHeader("x-b3-traceid");
        var spanId = upstreamHeader("x-b3-spanid");
        Assert.True(traceId is { Length: 32 } && spanId is { Length: 16 },
            $"the app received x-b3-traceid {traceId ?? "(absent)"} and x-b3-spanid {spanId ?? "(absent)"}: the filter did not translate the request");
        return new ScenarioCheck(expect, traceId!, spanId!);
    }
}

/// <summary>Asserts one run's observations against the expectations; each failure names the header or field path.</summary>
public sealed class ScenarioCheck
{
    private const string ExactMarker = "$exact";

    private readonly JsonElement _expect;
    private readonly Dictionary<string, string> _placeholders;

    internal ScenarioCheck(JsonElement expect, string traceId, string spanId)
    {
        _expect = expect;
        TraceId = traceId;
        SpanId = spanId;
        _placeholders = new Dictionary<string, string>
        {
            ["{spanId}"] = spanId,
            ["{traceId}"] = traceId,
            ["{xrayTraceId}"] = $"1-{traceId[..8]}-{traceId[8..]}",
        };
    }

    /// <summary>The trace id the app received (x-b3-traceid).</summary>
    public string TraceId { get; }

    /// <summary>The filter's span id for this hop (x-b3-spanid the app received).</summary>
    public string SpanId { get; }

    public void UpstreamHeaders(Func<string, string?> get) => AssertHeaders("upstream", "upstreamHeaders", get);

    public void Response(int status, Func<string, string?> get)
    {
        if (_expect.TryGetProperty("responseStatus", out var expected))
        {
            Assert.Equal(expected.GetInt32(), status);
        }

        AssertHeaders("response", "responseHeaders", get);
    }

    public void ZipkinSpan(JsonElement span) => AssertFields("zipkin", _expect.GetProperty("zipkin"), span);

    public void XRaySegment(JsonElement segment) => AssertFields("xray", _expect.GetProperty("xray"), segment);

    private void AssertHeaders(string side, string property, Func<string, string?> get)
    {
        if (!_expect.TryGetProperty(property, out var headers))
        {
            return;
        }

        foreach (var header in headers.EnumerateObject())
        {
            var expected = header.Value.ValueKind == JsonValueKind.Null ? null : Substitute(header.Value.GetString()!);
            var actual = get(header.Name);
            Assert.True(expected == actual, $"{side} header {header.Name}: expected {expected ?? "(absent)"}, got {actual ?? "(absent)"}");
        }
    }

    /// <summary>
    /// Every listed field must be equal (null: absent); unlisted fields are not checked, unless the object holds
    /// <c>"$exact": true</c>: then it has no other fields (OpenTelemetry's otel.* scope tags aside).
    /// </summary>
    private void AssertFields(string path, JsonElement expected, JsonElement actual)
    {
        Assert.True(actual.ValueKind == JsonValueKind.Object, $"{path}: expected an object, got {actual.GetRawText()}");
        if (expected.TryGetProperty(ExactMarker, out var exact) && exact.GetBoolean())
        {
            var expectedNames = expected.EnumerateObject().Select(p => p.Name).Where(n => n != ExactMarker && !IsNull(expected, n)).Order(StringComparer.Ordinal);
            var actualNames = actual.EnumerateObject().Select(p => p.Name).Where(n => !n.StartsWith("otel.", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
            Assert.True(expectedNames.SequenceEqual(actualNames),
                $"{path}: expected exactly [{string.Join(", ", expectedNames)}], got [{string.Join(", ", actualNames)}]");
        }

        foreach (var field in expected.EnumerateObject().Where(f => f.Name != ExactMarker))
        {
            var present = actual.TryGetProperty(field.Name, out var value);
            if (field.Value.ValueKind == JsonValueKind.Null)
            {
                Assert.False(present, $"{path}.{field.Name}: expected absent, got {(present ? value.GetRawText() : "")}");
                continue;
            }

            Assert.True(present, $"{path}.{field.Name}: missing in {actual.GetRawText()}");
            AssertEqual($"{path}.{field.Name}", field.Value, value);
        }
    }

    private static bool IsNull(JsonElement owner, string name) => owner.GetProperty(name).ValueKind == JsonValueKind.Null;

    private void AssertEqual(string path, JsonElement expected, JsonElement actual)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                AssertFields(path, expected, actual);
                break;
            case JsonValueKind.String:
                Assert.True(actual.ValueKind == JsonValueKind.String, $"{path}: expected a string, got {actual.GetRawText()}");
                var text = Substitute(expected.GetString()!);
                Assert.True(text == actual.GetString(), $"{path}: expected \"{text}\", got \"{actual.GetString()}\"");
                break;
            case JsonValueKind.Number:
                Assert.True(actual.ValueKind == JsonValueKind.Number, $"{path}: expected a number, got {actual.GetRawText()}");
                Assert.True(expected.GetDecimal() == actual.GetDecimal(), $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}");
                break;
            default:
                Assert.True(expected.ValueKind == actual.ValueKind, $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}");
                break;
        }
    }

    private string Substitute(string text) =>
        _placeholders.Aggregate(text, (current, p) => current.Replace(p.Key, p.Value, StringComparison.Ordinal));
}
