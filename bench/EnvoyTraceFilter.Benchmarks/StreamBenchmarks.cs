using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Envoy.Config.Core.V3;
using Envoy.Service.ExtProc.V3;
using EnvoyTraceFilter.Configuration;
using EnvoyTraceFilter.Exporters;
using EnvoyTraceFilter.ExtProc;
using EnvoyTraceFilter.Telemetry;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;

namespace EnvoyTraceFilter.Benchmarks;

/// <summary>
/// One whole ext_proc stream without the transport: request_headers message as Envoy builds it (15 headers,
/// raw_value) in, mutation out, then response_headers. What the filter adds on top of Kestrel + gRPC.
/// </summary>
[MemoryDiagnoser]
public class StreamBenchmarks
{
    private FilterSnapshot _snapshot = null!;
    private StreamServices _services = null!;
    private ProcessingRequest _request = null!;
    private ProcessingRequest _response = null!;

    [GlobalSetup]
    public void Setup()
    {
        _snapshot = FilterSnapshotCompiler.TryCompile(new TraceFilterOptions(), [], environment: _ => null)!;
        _services = new StreamServices(new FilterMetrics(new Factory()), new ErrorLogLimiter(TimeProvider.System),
            null, TimeProvider.System, NullLogger<StreamServices>.Instance);
        var headers = new HeaderMap();
        foreach (var (k, v) in new[]
        {
            (":authority", "api.example.com"), (":path", "/orders/42?full=1"), (":method", "GET"), (":scheme", "https"),
            ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36"), ("accept", "*/*"), ("accept-encoding", "gzip, br"),
            ("x-forwarded-for", "203.0.113.7,198.51.100.7"), ("x-forwarded-proto", "https"), ("x-request-id", "9d09ebf1-9a8a-4eb0-90a7-a93ad6bd6410"),
            ("x-envoy-external-address", "198.51.100.7"), ("x-cloud-trace-context", "4bf92f3577b34da6a3ce929d0e0e4736/17725314949316355921;o=1"),
            ("cookie", "session=abcdef0123456789"), ("accept-language", "en"), ("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-f5fcf8089dec2751-01"),
        })
        {
            headers.Headers.Add(new HeaderValue { Key = k, RawValue = ByteString.CopyFromUtf8(v) });
        }

        _request = new ProcessingRequest { RequestHeaders = new HttpHeaders { Headers = headers, EndOfStream = true } };
        var response = new HeaderMap();
        response.Headers.Add(new HeaderValue { Key = ":status", RawValue = ByteString.CopyFromUtf8("200") });
        response.Headers.Add(new HeaderValue { Key = "content-length", RawValue = ByteString.CopyFromUtf8("12") });
        _response = new ProcessingRequest { ResponseHeaders = new HttpHeaders { Headers = response } };
    }

    private readonly byte[] _wire = new byte[4096];

    [Benchmark]
    public object RequestAndResponseHeaders()
    {
        var stream = new ProcessingStream(_snapshot, _services);
        stream.Answer(_request);
        return stream.Answer(_response);
    }

    /// <summary>Both answers written to bytes, as the gRPC marshaller writes them.</summary>
    [Benchmark]
    public int RequestAndResponseHeadersSerialized()
    {
        var stream = new ProcessingStream(_snapshot, _services);
        return stream.Answer(_request).WriteTo(_wire) + stream.Answer(_response).WriteTo(_wire);
    }

    private sealed class Factory : IMeterFactory
    {
        public Meter Create(MeterOptions options) => new(options);

        public void Dispose()
        {
        }
    }
}
