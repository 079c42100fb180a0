namespace EnvoyTraceFilter.Core.Spans;

/// <summary>How a hop span ended: the response's status and length, or why no response headers came.</summary>
/// <param name="EndUnixMicros">When the response headers arrived, or when the stream ended without them.</param>
/// <param name="Status">Response status; 0 when no response headers were seen.</param>
/// <param name="ContentLength">The response's valid content-length, if any.</param>
/// <param name="IncompleteReason">Null for a complete span.</param>
public readonly record struct SpanResponse(long EndUnixMicros, int Status = 0, long? ContentLength = null, string? IncompleteReason = null);
