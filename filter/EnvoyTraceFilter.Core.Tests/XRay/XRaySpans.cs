using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Spans;

namespace EnvoyTraceFilter.Core.Tests.XRay;

/// <summary>Spans and ids shared by the X-Ray tests.</summary>
internal static class XRaySpans
{
    /// <summary>First 32 bits 0x6553f100 = 1,700,000,000 epoch seconds.</summary>
    public static readonly TraceId TraceId = new(0x6553f100_a0066491UL, 0x27e37190_3a2de979UL);

    public const string XRayTraceId = "1-6553f100-a006649127e371903a2de979";

    public static SpanRecord Get200() => new()
    {
        TraceId = TraceId,
        SpanId = new SpanId(0x53995c3f42cd8ad8UL),
        ParentSpanId = new SpanId(0x0123456789abcdefUL),
        ServiceName = "shop.example.com",
        StartUnixMicros = 1_700_000_000_123_456,
        EndUnixMicros = 1_700_000_000_234_567,
        Method = "GET",
        Url = "https://shop.example.com/cart?id=7",
        ClientIp = "203.0.113.9",
        ClientIpFromForwardedFor = true,
        UserAgent = "curl/8.5.0",
        Status = 200,
        ResponseContentLength = 1234,
    };

    public static SpanRecord Minimal(int status = 200, string? incompleteReason = null,
        IReadOnlyList<KeyValuePair<string, string>>? tags = null, string? userAgent = null) => new()
    {
        TraceId = TraceId,
        SpanId = new SpanId(0x1111111111111111UL),
        ServiceName = "api",
        StartUnixMicros = 1_700_000_000_000_007,
        EndUnixMicros = 1_700_000_001_500_000,
        Method = "POST",
        Url = "http://api/x",
        Status = status,
        IncompleteReason = incompleteReason,
        Tags = tags ?? [],
        UserAgent = userAgent,
    };
}
