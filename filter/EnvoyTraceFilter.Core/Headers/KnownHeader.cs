namespace EnvoyTraceFilter.Core.Headers;

/// <summary>The request/response headers the filter reads. Everything else is never copied out of the message.</summary>
public enum KnownHeader : byte
{
    Authority,
    Path,
    Method,
    Scheme,
    Status,
    UserAgent,
    ContentLength,
    XForwardedFor,
    XEnvoyExternalAddress,
    B3,
    XB3TraceId,
    XB3SpanId,
    XB3ParentSpanId,
    XB3Sampled,
    XB3Flags,
    TraceParent,
    TraceState,
    XAmznTraceId,
    XCloudTraceContext,
}
