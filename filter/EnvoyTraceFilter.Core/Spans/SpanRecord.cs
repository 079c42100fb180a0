using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Spans;

/// <summary>
/// One finished hop span, immutable: built once by <see cref="HopSpan.Complete"/> and handed to every exporter,
/// which may read it from any thread. Times are Unix epoch microseconds, the unit both Zipkin and X-Ray use.
/// </summary>
public sealed record SpanRecord
{
    public required TraceId TraceId { get; init; }

    /// <summary>The hop's span id, the one written to the app's headers: the app's spans are its children.</summary>
    public required SpanId SpanId { get; init; }

    /// <summary>The incoming span id; invalid (0) when this span is a root.</summary>
    public SpanId ParentSpanId { get; init; }

    /// <summary>Service name chosen by the naming rules (already sanitised for X-Ray).</summary>
    public required string ServiceName { get; init; }

    public bool Debug { get; init; }

    /// <summary>Start: Envoy's request.time, or when the request headers arrived.</summary>
    public required long StartUnixMicros { get; init; }

    /// <summary>End: when the response headers arrived, or when the stream ended without them.</summary>
    public long EndUnixMicros { get; init; }

    public required string Method { get; init; }

    /// <summary>scheme://authority/path as the client asked for it.</summary>
    public required string Url { get; init; }

    /// <summary>The request's :path (with query), for the http.path tag.</summary>
    public string Path { get; init; } = "";

    public string? ClientIp { get; init; }

    /// <summary>True only when <see cref="ClientIp"/> came from an X-Forwarded-For entry a client could have written.</summary>
    public bool ClientIpFromForwardedFor { get; init; }

    public string? UserAgent { get; init; }

    /// <summary>Response status; 0 when no response headers were seen.</summary>
    public int Status { get; init; }

    /// <summary>Response content-length when the response carried a valid one.</summary>
    public long? ResponseContentLength { get; init; }

    /// <summary>Why the span is incomplete (stream ended without response headers); null when complete.</summary>
    public string? IncompleteReason { get; init; }

    public bool Incomplete => IncompleteReason is not null;

    /// <summary>Configured literal/header tags (Zipkin tags, X-Ray annotations).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];
}
