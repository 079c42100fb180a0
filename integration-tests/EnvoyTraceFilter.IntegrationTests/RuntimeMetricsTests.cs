using System.Globalization;
using System.Text.RegularExpressions;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>
/// /metrics carries the runtime's "System.Runtime" meter beside the filter's own, so GC heap, working set and thread
/// pool are watched (and soak-tested, `make bench-soak`) from the same scrape.
/// </summary>
public sealed partial class RuntimeMetricsTests
{
    [GeneratedRegex(@"^dotnet_gc_last_collection_heap_size_bytes\{otel_scope_name=""System.Runtime"",gc_heap_generation=""(\w+)""\} (\d+)$", RegexOptions.Multiline)]
    private static partial Regex HeapSizeLine();

    [GeneratedRegex(@"^dotnet_process_memory_working_set_bytes\{otel_scope_name=""System.Runtime""\} (\d+)$", RegexOptions.Multiline)]
    private static partial Regex WorkingSetLine();

    [GeneratedRegex(@"^dotnet_thread_pool_thread_count_total\{otel_scope_name=""System.Runtime""\} (\d+)$", RegexOptions.Multiline)]
    private static partial Regex ThreadPoolLine();

    [Fact]
    public async Task Metrics_export_the_runtime_meter_gc_heap_working_set_and_thread_pool()
    {
        await using var filter = await FilterProcess.StartAsync();
        using var http = new HttpClient();

        var metrics = await http.GetStringAsync(filter.AdminAddress + "/metrics").DefaultTimeout();

        var lines = metrics.Split('\n');
        foreach (var expected in new[]
                 {
                     "# TYPE dotnet_gc_last_collection_heap_size_bytes gauge",
                     "# TYPE dotnet_process_memory_working_set_bytes gauge",
                     "# TYPE dotnet_gc_heap_total_allocated_bytes_total counter",
                     // An UpDownCounter in the runtime; OpenTelemetry's Prometheus exporter names it as a counter.
                     "# TYPE dotnet_thread_pool_thread_count_total counter",
                 })
        {
            Assert.True(lines.Contains(expected), $"missing: {expected}\n{metrics}");
        }

        Assert.Equal(["gen0", "gen1", "gen2", "loh", "poh"], HeapSizeLine().Matches(metrics).Select(m => m.Groups[1].Value).Order());
        Assert.InRange(long.Parse(WorkingSetLine().Match(metrics).Groups[1].Value, CultureInfo.InvariantCulture), 1 << 20, long.MaxValue);
        Assert.InRange(int.Parse(ThreadPoolLine().Match(metrics).Groups[1].Value, CultureInfo.InvariantCulture), 1, 10_000);
    }
}
