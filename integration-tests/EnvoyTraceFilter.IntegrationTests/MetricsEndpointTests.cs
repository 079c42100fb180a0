using System.Text.RegularExpressions;
using EnvoyEmulator;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>
/// /metrics of a filter process (alone in its process, so the values are its own) after a known number of
/// requests: every tracefilter instrument under its Prometheus name, with exact counts.
/// </summary>
public sealed partial class MetricsEndpointTests
{
    private const string Scope = "otel_scope_name=\"EnvoyTraceFilter\"";

    [GeneratedRegex(@"^tracefilter_extproc_processing_duration_seconds_bucket\{otel_scope_name=""EnvoyTraceFilter"",phase=""request_headers"",le=""([^""]+)""\} \d+$", RegexOptions.Multiline)]
    private static partial Regex RequestHeadersBucket();

    [Fact]
    public async Task AfterTwentyRequests_CountersHistogramGaugesReadExactly()
    {
        await using var zipkin = await ZipkinCollector.StartAsync();
        using var xray = new XRayDaemon();
        await using var tally = new ExportTally(zipkin, xray);
        await using var filter = await FilterProcess.StartExportingAsync(zipkin, xray);
        await using var emulator = Emulation.For(filter);

        for (var i = 0; i < 20; i++)
        {
            // Half carry a malformed traceparent (rejected and counted), all are sampled.
            var headers = i % 2 == 0 ? new[] { ("traceparent", "00-zz-1") } : [];
            Assert.Equal(ExchangeOutcome.Processed, (await emulator.SendAsync(Emulation.Get("api.example.com", headers)).DefaultTimeout()).Outcome);
        }

        await tally.WaitForAsync(20);
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(filter.AdminAddress + "/metrics").DefaultTimeout();

        var lines = metrics.Split('\n');
        foreach (var expected in new[]
                 {
                     $"tracefilter_requests_total{{{Scope},sampled=\"true\"}} 20",
                     $"tracefilter_trace_headers_rejected_total{{{Scope},format=\"TraceParent\",reason=\"BadLength\"}} 10",
                     $"tracefilter_naming_fallbacks_total{{{Scope},reason=\"NoMatch\"}} 20",
                     $"tracefilter_extproc_streams_total{{{Scope},end=\"finished\"}} 20",
                     $"tracefilter_extproc_active_streams{{{Scope}}} 0",
                     $"tracefilter_extproc_processing_duration_seconds_count{{{Scope},phase=\"request_headers\"}} 20",
                     $"tracefilter_extproc_processing_duration_seconds_count{{{Scope},phase=\"response_headers\"}} 20",
                     $"tracefilter_extproc_processing_duration_seconds_bucket{{{Scope},phase=\"request_headers\",le=\"+Inf\"}} 20",
                     $"tracefilter_export_spans_total{{{Scope},exporter=\"zipkin\",result=\"exported\"}} 20",
                     $"tracefilter_export_spans_total{{{Scope},exporter=\"xray\",result=\"exported\"}} 20",
                     $"tracefilter_export_queue_depth{{{Scope},exporter=\"xray\"}} 0",
                     $"tracefilter_export_queue_depth{{{Scope},exporter=\"zipkin\"}} 0",
                     "# TYPE tracefilter_extproc_processing_duration_seconds histogram",
                     "# TYPE tracefilter_extproc_active_streams gauge",
                     "# TYPE tracefilter_export_queue_depth gauge",
                 })
        {
            Assert.True(lines.Contains(expected), $"missing: {expected}\n{metrics}");
        }

        // The buckets are the ones advised on the instrument (seconds, 10 µs to 1 s).
        Assert.Equal(["1E-05", "2.5E-05", "5E-05", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "1", "+Inf"],
            RequestHeadersBucket().Matches(metrics).Select(m => m.Groups[1].Value));
    }
}
