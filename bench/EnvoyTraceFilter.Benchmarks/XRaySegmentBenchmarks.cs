using BenchmarkDotNet.Attributes;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Spans;
using EnvoyTraceFilter.Core.XRay;

namespace EnvoyTraceFilter.Benchmarks;

/// <summary>One span serialised as an X-Ray segment datagram (header + JSON document).</summary>
[MemoryDiagnoser]
public class XRaySegmentBenchmarks
{
    private readonly XRaySegmentWriter _writer = new();
    private SpanRecord _span = null!;

    [GlobalSetup]
    public void Setup() => _span = new SpanRecord
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
        UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
        Status = 200,
        ResponseContentLength = 1234,
        Tags = [new("deployment", "eu-west-1"), new("team", "payments")],
    };

    [Benchmark]
    public int Segment() => _writer.Write(_span, out var datagram) == XRayWriteResult.Written ? datagram.Length : -1;
}
