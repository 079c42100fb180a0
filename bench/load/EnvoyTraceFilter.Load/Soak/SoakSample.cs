using System.Globalization;

namespace EnvoyTraceFilter.Load.Soak;

/// <summary>
/// One reading of the filter process: /proc (RSS, threads, open fds) and its admin /metrics (GC heap after the last
/// collection, GC committed memory, thread-pool threads, streams ended, spans exported or not). Null where a source
/// could not be read.
/// </summary>
internal sealed record SoakSample(
    double ElapsedSeconds,
    double? RssMiB,
    double? GcHeapMiB,
    double? GcCommittedMiB,
    int? Threads,
    int? ThreadPoolThreads,
    int? OpenFds,
    long? Streams,
    long? SpansExported,
    long? SpansNotExported,
    long ZipkinSpansReceived,
    long XRayDatagramsReceived)
{
    /// <summary>Streams ended per second since the previous sample (the rate the filter actually served).</summary>
    public double? StreamsPerSecond { get; init; }

    public const string CsvHeader =
        "elapsed_s,rss_mib,gc_heap_mib,gc_committed_mib,threads,threadpool_threads,open_fds,streams_total,spans_exported_total,spans_not_exported_total,zipkin_spans_received,xray_datagrams_received,streams_per_s";

    public string ToCsv() => string.Join(',',
        F(ElapsedSeconds), F(RssMiB), F(GcHeapMiB), F(GcCommittedMiB), I(Threads), I(ThreadPoolThreads), I(OpenFds),
        I(Streams), I(SpansExported), I(SpansNotExported), I(ZipkinSpansReceived), I(XRayDatagramsReceived), F(StreamsPerSecond));

    private static string F(double? value) => value is null ? "" : value.Value.ToString("F2", CultureInfo.InvariantCulture);

    private static string I(long? value) => value is null ? "" : value.Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Reads one <see cref="SoakSample"/>.</summary>
internal sealed class SoakSampler(int pid, Uri metricsUri) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public string? LastError { get; private set; }

    public SoakSample Take(double elapsedSeconds, long zipkinSpans, long xrayDatagrams)
    {
        var status = ReadStatus();
        var metrics = Scrape();
        double? MiB(string name) => metrics is null ? null : Sum(metrics, name, _ => true) is { } bytes ? bytes / (1024.0 * 1024.0) : null;
        long? Count(string name, Func<string, bool> labels) => metrics is null ? null : (long?)Sum(metrics, name, labels);
        return new SoakSample(
            elapsedSeconds,
            status.TryGetValue("VmRSS:", out var rss) ? rss / 1024.0 : null,
            MiB("dotnet_gc_last_collection_heap_size_bytes"),
            MiB("dotnet_gc_last_collection_memory_committed_size_bytes"),
            status.TryGetValue("Threads:", out var threads) ? (int)threads : null,
            (int?)Count("dotnet_thread_pool_thread_count_total", _ => true),
            CountFds(),
            Count("tracefilter_extproc_streams_total", _ => true),
            Count("tracefilter_export_spans_total", l => l.Contains("result=\"exported\"", StringComparison.Ordinal)),
            // No series yet means none was dropped (the counter appears with its first drop).
            metrics is null ? null : Count("tracefilter_export_spans_total", l => !l.Contains("result=\"exported\"", StringComparison.Ordinal)) ?? 0,
            zipkinSpans,
            xrayDatagrams);
    }

    public void Dispose() => _http.Dispose();

    private Dictionary<string, long> ReadStatus()
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                var parts = line.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && parts[0] is "VmRSS:" or "Threads:" && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var value))
                {
                    values[parts[0]] = value;
                }
            }
        }
        catch (IOException e)
        {
            LastError = e.Message;
        }

        return values;
    }

    private int? CountFds()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LastError = e.Message;
            return null;
        }
    }

    /// <summary>Prometheus text lines (name{labels} value), or null when the scrape failed.</summary>
    private string[]? Scrape()
    {
        try
        {
            return _http.GetStringAsync(metricsUri).GetAwaiter().GetResult().Split('\n');
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            LastError = "scrape: " + e.Message;
            return null;
        }
    }

    /// <summary>Sum of every series of <paramref name="name"/> whose label set passes <paramref name="labels"/>; null if none.</summary>
    private static double? Sum(string[] lines, string name, Func<string, bool> labels)
    {
        double? sum = null;
        foreach (var line in lines)
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length <= name.Length || line[name.Length] is not ('{' or ' '))
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            if (labels(line[name.Length..space]) && double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                sum = (sum ?? 0) + value;
            }
        }

        return sum;
    }
}
