namespace EnvoyTraceFilter.Configuration;

/// <summary>TraceFilter:Naming — X-Ray dynamic naming by Host pattern.</summary>
public sealed class NamingSection
{
    /// <summary>Tried in order; the first whose pattern matches the host names the service.</summary>
    public NamingRuleSection[] Rules { get; set; } = [];

    /// <summary>Name when no rule matches, the host is missing or forged. AWS_XRAY_TRACING_NAME replaces it.</summary>
    public string FallbackName { get; set; } = "unknown_service";

    /// <summary>At most this many distinct host-derived names per process; further new hosts get the fallback.</summary>
    public int MaxDistinctNames { get; set; } = 100;

    /// <summary>Request header that receives the service name for the app; empty = not written.</summary>
    public string? Header { get; set; }
}
