using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Spans;

namespace EnvoyTraceFilter.Tests.Exporters.XRay;

internal static class TestSpans
{
    /// <summary>A span whose trace id carries the current epoch, as the translator mints them.</summary>
    public static SpanRecord Fresh(ulong spanId = 0x53995c3f42cd8ad8UL, string name = "shop", string url = "https://shop/x")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return WithTraceId(new TraceId(((ulong)now << 32) | 0xa0066491UL, 0x27e371903a2de979UL), spanId, name, url);
    }

    /// <summary>The W3C spec's example id: its first 32 bits are an epoch in 2010.</summary>
    public static SpanRecord Foreign() => WithTraceId(new TraceId(0x4bf92f3577b34da6UL, 0xa3ce929d0e0e4736UL));

    public static SpanRecord WithTraceId(TraceId traceId, ulong spanId = 0x53995c3f42cd8ad8UL, string name = "shop",
        string url = "https://shop/x") => new()
    {
        TraceId = traceId,
        SpanId = new SpanId(spanId),
        ParentSpanId = new SpanId(0x0123456789abcdefUL),
        ServiceName = name,
        StartUnixMicros = 1_700_000_000_123_456,
        EndUnixMicros = 1_700_000_000_234_567,
        Method = "GET",
        Url = url,
        ClientIp = "203.0.113.9",
        ClientIpFromForwardedFor = true,
        Status = 200,
        ResponseContentLength = 42,
    };

    public static string XRayTraceId(TraceId id) => $"1-{id.High >> 32:x8}-{id.High & 0xffffffffUL:x8}{id.Low:x16}";
}
