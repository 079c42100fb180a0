using Envoy.Service.ExtProc.V3;

namespace EnvoyTraceFilter.Load.Tests;

/// <summary>The generator against a real Kestrel + Grpc.AspNetCore server on loopback, for a second or so.</summary>
public class LoadRunTests
{
    private static LoadOptions Options(ExtProcTestServer server) => new()
    {
        Target = server.EndPoint,
        Connections = 2,
        Concurrency = 4,
        Warmup = TimeSpan.FromMilliseconds(200),
        Duration = TimeSpan.FromMilliseconds(800),
    };

    [Fact]
    public async Task Closed_loop_sends_Envoys_two_messages_per_stream_and_completes_without_errors()
    {
        await using var server = await ExtProcTestServer.StartAsync();

        var result = LoadRun.Execute(Options(server), RequestProfile.Build("mission", DateTimeOffset.UtcNow));

        Assert.True(result.Completed > 0, "no request completed");
        Assert.Empty(result.Errors);
        Assert.Equal("closed", result.Mode);
        Assert.NotNull(result.TotalP99Us);
        // Every call saw request_headers then response_headers, nothing else. Envoy's reset (or the connection closing
        // at the end of the run) may reach a handler still finishing its last write.
        Assert.All(server.Recorded.Sequences, s => Assert.Matches("^RequestHeaders,ResponseHeaders(,reset)?$", s));
        Assert.All(server.Recorded.CallHeaders, h => Assert.Equal("x-envoy-internal=true;x-forwarded-for=10.0.0.2;authority=trace_filter", h));
    }

    [Fact]
    public async Task Mission_profile_carries_the_edge_headers_and_Envoys_attributes()
    {
        await using var server = await ExtProcTestServer.StartAsync();

        LoadRun.Execute(Options(server), RequestProfile.Build("mission", DateTimeOffset.Parse("2026-12-02T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));

        var first = server.Recorded.FirstMessages.First();
        var headers = first.RequestHeaders.Headers.Headers.ToDictionary(h => h.Key, h => h.RawValue.ToStringUtf8());
        Assert.Equal("api.example.com", headers[":authority"]);
        Assert.Matches("^[0-9a-f]{32}/[0-9]+;o=1$", headers["x-cloud-trace-context"]);
        Assert.Matches(@"^203\.0\.113\.[0-9]+,10\.0\.0\.7$", headers["x-forwarded-for"]);
        Assert.All(first.RequestHeaders.Headers.Headers, h => Assert.Equal("", h.Value)); // raw_value only, like Envoy
        Assert.True(first.RequestHeaders.EndOfStream);
        Assert.NotNull(first.MetadataContext);
        Assert.NotNull(first.ProtocolConfig);
        var attributes = first.Attributes["envoy.filters.http.ext_proc"].Fields;
        Assert.Matches(@"^10\.0\.0\.7:[0-9]+$", attributes["source.address"].StringValue);
        Assert.Equal("2026-12-02T05:00:00.000000+00:00", attributes["request.time"].StringValue);
    }

    [Fact]
    public async Task Traceparent_profile_sends_a_W3C_header_instead_of_Cloud_Trace()
    {
        await using var server = await ExtProcTestServer.StartAsync();

        LoadRun.Execute(Options(server), RequestProfile.Build("traceparent", DateTimeOffset.UtcNow));

        var headers = server.Recorded.FirstMessages.First().RequestHeaders.Headers.Headers.ToDictionary(h => h.Key, h => h.RawValue.ToStringUtf8());
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-01$", headers["traceparent"]);
        Assert.False(headers.ContainsKey("x-cloud-trace-context"));
    }

    [Fact]
    public async Task An_immediate_response_is_counted_as_an_error_of_its_own_kind()
    {
        await using var server = await ExtProcTestServer.StartAsync(r =>
            r.RequestCase == ProcessingRequest.RequestOneofCase.RequestHeaders && r.RequestHeaders.Headers.Headers.Any(h => h.Key == ":path" && h.RawValue.ToStringUtf8().Contains("1001", StringComparison.Ordinal))
                ? new ProcessingResponse { ImmediateResponse = new ImmediateResponse() }
                : null);

        var result = LoadRun.Execute(Options(server), RequestProfile.Build("mission", DateTimeOffset.UtcNow));

        Assert.True(result.Errors.GetValueOrDefault("immediate_response") > 0, "errors: " + string.Join(", ", result.Errors));
        Assert.Equal(["immediate_response"], result.Errors.Keys);
        Assert.True(result.Completed > 0);
    }

    [Fact]
    public async Task Open_loop_sends_on_schedule_and_reports_the_rate()
    {
        await using var server = await ExtProcTestServer.StartAsync();

        var result = LoadRun.Execute(Options(server) with { Rate = 200 }, RequestProfile.Build("mission", DateTimeOffset.UtcNow));

        Assert.Equal("open", result.Mode);
        Assert.Equal(200, result.Rate);
        Assert.True(result.Completed > 0, "no request completed");
        Assert.Empty(result.Errors);
        Assert.All(server.Recorded.Sequences, s => Assert.Matches("^RequestHeaders,ResponseHeaders(,reset)?$", s));
    }
}
