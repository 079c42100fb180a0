using System.Diagnostics;
using System.Net;
using BenchmarkDotNet.Attributes;
using EnvoyTraceFilter.Core.Propagation;
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
        _span = new SpanRecord
        {
            TraceId = new TraceId(0x5759e988bd862e3f, 0xe1be46a994272793),
            SpanId = new SpanId(0x00f067aa0ba902b7),
            ParentSpanId = new SpanId(0x53995c3f42cd8ad8),
            ServiceName = "api.example.com",
            StartUnixMicros = 1_764_650_000_123_456,
            EndUnixMicros = 1_764_650_000_126_789,
            Method = "GET",
            Url = "https://api.example.com/v1/orders/1042?expand=items",
            Path = "/v1/orders/1042",
            ClientIp = "203.0.113.7",
            ClientIpFromForwardedFor = true,
            UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36",
            Status = 200,
            ResponseContentLength = 1234,
        };
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
