using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Spans;

/// <summary>
/// Everything an exporter needs about one request's span, filled by the request and response phases of
/// one ext_proc stream and handed to the exporters once, after the stream ends. Exporters must treat it
/// as read-only: both the Zipkin and the X-Ray exporter see the same instance.
/// </summary>
public sealed class SpanRecord
{
    public required TraceId TraceId { get; init; }

    /// <summary>The hop's span id minted by the translator: the app's spans are its children.</summary>
    public required SpanId SpanId { get; init; }

    /// <summary>The incoming span id; invalid (0) when this span is a root.</summary>
    public SpanId ParentSpanId { get; init; }

    /// <summary>Service name chosen by the naming rules (already sanitised for X-Ray).</summary>
    public required string Name { get; init; }

    public bool Debug { get; init; }

    /// <summary>Start, Unix epoch microseconds (request headers arrival, or Envoy's request.time).</summary>
    public required long StartUnixMicros { get; init; }

    /// <summary>End, Unix epoch microseconds (response headers arrival, or when the stream ended).</summary>
    public long EndUnixMicros { get; set; }

    public required string Method { get; init; }

    /// <summary>scheme://authority/path as the client asked for it.</summary>
    public required string Url { get; init; }

    /// <summary>The request's :path (with query), for the http.path tag.</summary>
    public string Path { get; init; } = "";

    public string? ClientIp { get; init; }

    /// <summary>True only when <see cref="ClientIp"/> really came from X-Forwarded-For.</summary>
    public bool ClientIpFromForwardedFor { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>Response status; 0 when no response headers were seen.</summary>
    public int Status { get; set; }

    /// <summary>Response content-length when the response carried a valid one.</summary>
    public long? ResponseContentLength { get; set; }

    /// <summary>Why the span is incomplete (stream ended without response headers); null when complete.</summary>
    public string? IncompleteReason { get; set; }

    public bool Incomplete => IncompleteReason is not null;

    /// <summary>Configured literal/header tags (Zipkin tags, X-Ray annotations).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];
}
