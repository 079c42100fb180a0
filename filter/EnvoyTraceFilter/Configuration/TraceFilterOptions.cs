namespace EnvoyTraceFilter.Configuration;

/// <summary>
/// The whole configuration, bound from the "TraceFilter" section (appsettings.json, TraceFilter__Section__Key
/// environment variables, --TraceFilter:Section:Key arguments). Enum-like values are strings so the validator
/// can report every bad value at once, with the allowed ones, instead of the binder stopping at the first.
/// </summary>
public sealed class TraceFilterOptions
{
    public const string SectionName = "TraceFilter";

    public const int DefaultPort = 50051;

    /// <summary>TCP port of the ext_proc gRPC listener (HTTP/2 cleartext only).</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>Address to listen on: an IP address, or "*" for all interfaces.</summary>
    public string ListenAddress { get; set; } = "*";

    /// <summary>
    /// Kestrel's HTTP/2 stream limit per connection. Besides capping concurrency (keep it ≥ Envoy's 1024), Kestrel
    /// refuses new streams with ENHANCE_YOUR_CALM once it tracks more than twice this many streams that it closed
    /// but the client did not: with the early finish every stream is one of those for up to 5 s, so this must
    /// cover 5 s of one connection's request rate (10000 ⇒ ~4000 req/s per Envoy connection). See RATIONALE.md.
    /// </summary>
    public int MaxStreamsPerConnection { get; set; } = 10000;

    public ExtProcOptions ExtProc { get; set; } = new();

    /// <summary>Envoy's header limits; keep in step with the connection manager and the app cluster.</summary>
    public EnvoyLimitsOptions EnvoyLimits { get; set; } = new();
    /// <summary>The HTTP/1.1 admin listener (/healthz, /readyz, /metrics).</summary>
    public AdminOptions Admin { get; set; } = new();

    /// <summary>Graceful drain on SIGTERM.</summary>
    public ShutdownOptions Shutdown { get; set; } = new();

    /// <summary>
    /// Unset: ext_proc connections live as long as Envoy keeps them. Set: each connection is asked to close (GOAWAY,
    /// streams in flight finish) once it is this old, so Envoys reconnect and spread over new replicas.
    /// </summary>
    public TimeSpan? MaxConnectionAge { get; set; }

    public PropagationOptions Propagation { get; set; } = new();

    public SamplingSection Sampling { get; set; } = new();

    public ClientIdentitySection ClientIdentity { get; set; } = new();

    public NamingSection Naming { get; set; } = new();

    /// <summary>Literal tags added to every exported span (Zipkin tags, X-Ray annotations), e.g. SpanTags:env=prod.</summary>
    public Dictionary<string, string> SpanTags { get; set; } = [];

    /// <summary>Request headers copied onto every exported span: header name → tag key, e.g. SpanHeaderTags:x-tenant=tenant.</summary>
    public Dictionary<string, string> SpanHeaderTags { get; set; } = [];
}
