using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Spans;

namespace EnvoyTraceFilter.Benchmarks;

internal static class BenchmarkSpans
{
    /// <summary>A finished sampled span as the exporters receive it: forwarded client, user agent, two tags.</summary>
    public static SpanRecord Typical() => new()
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
}
