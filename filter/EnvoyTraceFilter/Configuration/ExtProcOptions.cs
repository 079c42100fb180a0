namespace EnvoyTraceFilter.Configuration;

public sealed class ExtProcOptions
{
    /// <summary>
    /// When the server ends the gRPC call itself: "ResponseHeaders" (default; Envoy's headers-only mode),
    /// "RequestHeaders" (Envoy configured with response_header_mode SKIP) or "Never" (body or trailer
    /// processing configured). Ending the call before Envoy's half-close + reset spares the server the
    /// reset's exceptions (about half of its CPU per request, see docs/performance-baseline.md).
    /// </summary>
    public string FinishStreamAfter { get; set; } = "ResponseHeaders";

    /// <summary>At most one error log line per this many seconds per kind (the counters still count every one).</summary>
    public int ErrorLogIntervalSeconds { get; set; } = 10;

    /// <summary>
    /// How long a new stream may stay silent before its first message. Envoy sends request_headers as soon as it
    /// opens the stream, so a silent stream is not Envoy; it is ended with DeadlineExceeded. There is deliberately no
    /// timeout after the first message: Envoy up to 1.36 keeps the stream open until the HTTP request ends (long
    /// downloads, WebSockets), and that stream must not be cut.
    /// </summary>
    public TimeSpan FirstMessageTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
