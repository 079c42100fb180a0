using System.Net;
using System.Text.Json;
using EnvoyEmulator;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>Plays every integration-tests/scenarios/*.json through the emulator (format: scenarios/README.md).</summary>
public sealed class ScenarioTests
{
    private const string ExactMarker = "$exact";

    private static readonly string Directory_ = Path.Combine(
        Path.GetDirectoryName(EnvoyYamlConfig.FindRepositoryFile(AppContext.BaseDirectory))!, "integration-tests", "scenarios");

    public static TheoryData<string> Files()
    {
        var files = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Directory_, "*.json").Order(StringComparer.Ordinal))
        {
            files.Add(Path.GetFileName(file));
        }

        return files;
    }

    [Fact]
    public void ScenarioDirectory_HoldsScenarios() => Assert.True(Files().Count >= 3, $"expected scenario files in {Directory_}");

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Scenario(string file)
    {
        using var document = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Directory_, file)));
        var scenario = document.RootElement;
        var configuration = scenario.GetProperty("configuration").EnumerateObject().ToDictionary(p => p.Name, p => (string?)p.Value.GetString());
        await using var host = await ExportHost.StartAsync(configuration);
        var emulator = Emulation.For(host.Filter);

        var exchange = await emulator.SendAsync(Request(scenario.GetProperty("request")), Upstream(scenario.GetProperty("upstreamResponse")))
            .DefaultTimeout();

        Assert.Equal(ExchangeOutcome.Processed, exchange.Outcome);
        var upstream = exchange.Upstream!;
        var traceId = upstream.Get("x-b3-traceid")!;
        var placeholders = new Dictionary<string, string>
        {
            ["{spanId}"] = upstream.Get("x-b3-spanid")!,
            ["{traceId}"] = traceId,
            ["{xrayTraceId}"] = $"1-{traceId[..8]}-{traceId[8..]}",
        };
        var expect = scenario.GetProperty("expect");
        AssertHeaders("upstream", expect, "upstreamHeaders", upstream.Get, placeholders);
        if (expect.TryGetProperty("responseStatus", out var status))
        {
            Assert.Equal(status.GetInt32(), exchange.Downstream.Status);
        }

        AssertHeaders("response", expect, "responseHeaders", exchange.Downstream.Get, placeholders);
        if (expect.TryGetProperty("zipkin", out var zipkin))
        {
            AssertFields("zipkin", zipkin, await host.Zipkin.NextSpanAsync(), placeholders);
        }

        if (expect.TryGetProperty("xray", out var xray))
        {
            AssertFields("xray", xray, await host.XRay.NextSegmentAsync(), placeholders);
        }

        // The next span on both backends is a sentinel's: the scenario's request produced nothing else.
        var sentinel = await emulator.SendAsync(new DownstreamRequest { Authority = "sentinel.example.com", Headers = [("b3", "1")] }).DefaultTimeout();
        var sentinelId = sentinel.Upstream!.Get("x-b3-spanid");
        Assert.Equal(sentinelId, (await host.Zipkin.NextSpanAsync()).GetProperty("id").GetString());
        Assert.Equal(sentinelId, (await host.XRay.NextSegmentAsync()).GetProperty("id").GetString());
    }

    private static DownstreamRequest Request(JsonElement request) => new()
    {
        Method = request.GetProperty("method").GetString()!,
        Authority = request.GetProperty("authority").GetString(),
        Path = request.GetProperty("path").GetString()!,
        PeerAddress = IPEndPoint.Parse(request.GetProperty("peer").GetString()!),
        Headers = Headers(request),
    };

    private static Func<UpstreamRequest, CancellationToken, Task<UpstreamResponse>> Upstream(JsonElement response) =>
        (_, _) => Task.FromResult(new UpstreamResponse { Status = response.GetProperty("status").GetInt32(), Headers = Headers(response) });

    private static HeaderList Headers(JsonElement owner) => owner.TryGetProperty("headers", out var headers)
        ? new HeaderList(headers.EnumerateArray().Select(pair => (pair[0].GetString()!, pair[1].GetString()!)))
        : [];

    private static void AssertHeaders(string side, JsonElement expect, string property, Func<string, string?> get,
        Dictionary<string, string> placeholders)
    {
        if (!expect.TryGetProperty(property, out var headers))
        {
            return;
        }

        foreach (var header in headers.EnumerateObject())
        {
            var expected = header.Value.ValueKind == JsonValueKind.Null ? null : Substitute(header.Value.GetString()!, placeholders);
            Assert.True(expected == get(header.Name), $"{side} header {header.Name}: expected {expected ?? "(absent)"}, got {get(header.Name) ?? "(absent)"}");
        }
    }

    /// <summary>
    /// Every listed field must be equal (null: absent); unlisted fields are not checked, unless the object holds
    /// <c>"$exact": true</c>: then it has no other fields (OpenTelemetry's otel.* scope tags aside).
    /// </summary>
    private static void AssertFields(string path, JsonElement expected, JsonElement actual, Dictionary<string, string> placeholders)
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
            AssertEqual($"{path}.{field.Name}", field.Value, value, placeholders);
        }
    }

    private static bool IsNull(JsonElement owner, string name) => owner.GetProperty(name).ValueKind == JsonValueKind.Null;

    private static void AssertEqual(string path, JsonElement expected, JsonElement actual, Dictionary<string, string> placeholders)
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                AssertFields(path, expected, actual, placeholders);
                break;
            case JsonValueKind.String:
                Assert.True(actual.ValueKind == JsonValueKind.String, $"{path}: expected a string, got {actual.GetRawText()}");
                var text = Substitute(expected.GetString()!, placeholders);
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

    private static string Substitute(string text, Dictionary<string, string> placeholders) =>
        placeholders.Aggregate(text, (current, p) => current.Replace(p.Key, p.Value, StringComparison.Ordinal));
}
