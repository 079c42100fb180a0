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
}
