using System.Net;
using EnvoyTraceFilter.Scenarios;

namespace EnvoyTraceFilter.ContainerTests;

/// <summary>
/// Every integration-tests/scenarios/*.json through a real Envoy (the repository's envoy.yaml), the filter built from
/// the repository's Dockerfile, the scenario app and Zipkin, each in its own container; the same checks as
/// ScenarioTests (EnvoyTraceFilter.Scenarios). Skipped as a whole where no Docker engine is reachable.
/// </summary>
public sealed class ContainerScenarioTests(ContainerStack stack) : IClassFixture<ContainerStack>
{
    private const int WarmUpAttempts = 20;
    private const int WarmUpsTranslated = 3;

    /// <summary>The trace every warm-up request continues, so that whatever they export is told apart.</summary>
    private const string WarmUpTraceId = "5f0c1e2d3c4b5a69788796a5b4c3d2e1";

    public static TheoryData<string> Files() => new(ScenarioFiles.Names());

    [DockerTheory]
    [MemberData(nameof(Files))]
    public async Task Scenario(string file)
    {
        var scenario = ScenarioFiles.Load(file);
        var peer = IPEndPoint.Parse(scenario.Request.Peer).Address.ToString();
        Assert.False(scenario.Expect.Json.GetRawText().Contains(peer, StringComparison.Ordinal),
            $"{file} expects its peer address {peer}; a real Envoy sees the test host's address instead, so the scenario cannot run here");

        await using var filter = await stack.StartFilterAsync(scenario.Configuration);
        await using var envoy = await stack.StartEnvoyAsync();
        using var client = ContainerStack.ClientFor(envoy);
        await WarmUpAsync(client);

        await stack.App.ProgramAsync(scenario.UpstreamResponse);
        var storedBefore = await stack.Zipkin.SpanIdsAsync();
        using var response = await client.SendAsync(ScenarioHttp.Request(scenario.Request));

        var upstream = Assert.Single(await stack.App.RequestsAsync()).Headers;
        var check = scenario.Expect.For(upstream.Get);
        check.UpstreamHeaders(upstream.Get);
        check.Response((int)response.StatusCode, ReceivedHeaders.Of(response).Get);
        if (scenario.Expect.HasZipkin)
        {
            check.ZipkinSpan(await stack.Zipkin.SpanAsync(check.TraceId, check.SpanId));
        }

        if (scenario.Expect.HasXRay)
        {
            check.XRaySegment(await stack.App.SegmentAsync(check.SpanId));
        }

        // A sentinel request's span on both backends: once it is there, the scenario's request produced nothing else.
        using var sentinelRequest = new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = "sentinel.example.com" } };
        sentinelRequest.Headers.Add("b3", "1");
        (await client.SendAsync(sentinelRequest)).Dispose();
        var sentinel = (await stack.App.RequestsAsync())[^1].Headers;
        var sentinelId = sentinel.Get("x-b3-spanid")!;
        await stack.Zipkin.SpanAsync(sentinel.Get("x-b3-traceid")!, sentinelId);
        await stack.App.SegmentAsync(sentinelId);

        var storedNow = await stack.Zipkin.SpanIdsAsync();
        foreach (var span in storedBefore)
        {
            storedNow.Remove(span);
        }

        var newSpans = storedNow.Where(s => s.TraceId != WarmUpTraceId).Select(s => s.Id);
        Assert.Equal(Produced(scenario.Expect.HasZipkin, check.SpanId, sentinelId), Sorted(newSpans));
        var segments = (await stack.App.SegmentsAsync())
            .Where(s => s.GetProperty("trace_id").GetString() != $"1-{WarmUpTraceId[..8]}-{WarmUpTraceId[8..]}")
            .Select(s => s.GetProperty("id").GetString()!);
        Assert.Equal(Produced(scenario.Expect.HasXRay, check.SpanId, sentinelId), Sorted(segments));
    }

    /// <summary>
    /// Requests until <see cref="WarmUpsTranslated"/> reach the app translated: the filter's first exchanges in a fresh
    /// container (a new HTTP/2 connection, code not yet compiled) can exceed envoy.yaml's 100 ms message_timeout, and
    /// Envoy then passes the request on untranslated (failure_mode_allow). They all continue
    /// <see cref="WarmUpTraceId"/>, so whatever they export is told apart from the scenario's spans.
    /// </summary>
    private async Task WarmUpAsync(HttpClient client)
    {
        await stack.App.ProgramAsync(new ScenarioResponse(200, []));
        var translated = 0;
        for (var attempt = 0; attempt < WarmUpAttempts && translated < WarmUpsTranslated; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/warm-up") { Headers = { Host = "warm-up.example.com" } };
            request.Headers.Add("traceparent", $"00-{WarmUpTraceId}-{attempt + 1:x16}-01");
            (await client.SendAsync(request)).Dispose();
            if ((await stack.App.RequestsAsync())[^1].Headers.Get("x-b3-spanid") is not null)
            {
                translated++;
            }
        }

        Assert.True(translated == WarmUpsTranslated,
            $"{WarmUpAttempts} requests through Envoy, {translated} reached the app translated: the filter rarely answered within envoy.yaml's message_timeout");
    }

    private static List<string> Produced(bool scenarioSpan, string spanId, string sentinelId) =>
        Sorted(scenarioSpan ? [spanId, sentinelId] : [sentinelId]);

    private static List<string> Sorted(IEnumerable<string> ids) => ids.Order(StringComparer.Ordinal).ToList();
}
