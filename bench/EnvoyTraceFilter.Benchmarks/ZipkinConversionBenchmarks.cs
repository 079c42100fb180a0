using System.Diagnostics;
using System.Net;
using BenchmarkDotNet.Attributes;
using EnvoyTraceFilter.Core.Spans;
using EnvoyTraceFilter.Exporters.Zipkin;
using OpenTelemetry;

namespace EnvoyTraceFilter.Benchmarks;

/// <summary>
/// A batch of 100 finished spans through the Zipkin path: each record written onto its hop Activity, then the
/// OpenTelemetry Zipkin exporter's conversion and JSON, POSTed to a handler that answers 202 at once (no network).
/// </summary>
[MemoryDiagnoser]
public class ZipkinConversionBenchmarks
{
    private const int BatchSize = 100;
    private readonly HopActivities _activities = new();
    private readonly Activity[] _batch = new Activity[BatchSize];
    private SpanRecord _span = null!;
    private BaseExporter<Activity> _exporter = null!;

    [GlobalSetup]
    public void Setup()
    {
        _span = BenchmarkSpans.Typical();
        for (var i = 0; i < BatchSize; i++)
        {
            _batch[i] = _activities.Start(_span.TraceId, _span.ParentSpanId)!;
        }

        _exporter = TraceExporterFactory.CreateZipkin(new ZipkinOptions { Endpoint = "http://127.0.0.1:9/api/v2/spans" }, new Accepted());
    }

    [Benchmark(OperationsPerInvoke = BatchSize)]
    public ExportResult RecordsToZipkinJson()
    {
        foreach (var activity in _batch)
        {
            SpanActivityWriter.Write(_span, activity);
        }

        return _exporter.Export(new Batch<Activity>(_batch, BatchSize));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _exporter.Dispose();
        _activities.Dispose();
    }

    private sealed class Accepted : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Read the body as a collector would, so the JSON is really written.
            await request.Content!.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            return new HttpResponseMessage(HttpStatusCode.Accepted);
        }
    }
}
