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
    /// Kestrel's HTTP/2 stream limit per connection (SETTINGS_MAX_CONCURRENT_STREAMS). 1024 = Envoy's default
    /// max_concurrent_streams, so one Envoy connection never needs a second one. The streams the filter finishes early
    /// do not add up: Envoy resets its side as soon as the trailers arrive, so Kestrel forgets them at once (measured,
    /// see RATIONALE.md).
    /// </summary>
    public int MaxStreamsPerConnection { get; set; } = 1024;

    /// <summary>Kestrel's own KeepAliveTimeout (2 min 10 s), the default of <see cref="IdleTimeout"/>.</summary>
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromSeconds(130);

    /// <summary>
    /// Kestrel's KeepAliveTimeout: a connection with no open stream is closed (GOAWAY) after this long. That includes
    /// a connection that sent nothing, part of the HTTP/2 preface, or the preface and SETTINGS and then nothing, so
    /// such connections cannot be held open for free. Envoy simply reconnects on its next request.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = DefaultIdleTimeout;

    /// <summary>
    /// Kestrel's HTTP/2 keep-alive PING: after this long without a frame from the client, the server sends PING;
    /// 00:00:00 turns it off. Envoy answers every PING, so only a dead peer or a client that has stopped reading
    /// (holding open streams whose answers fitted its window) fails to, and its connection is closed after
    /// <see cref="KeepAlivePingTimeout"/>.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long the server waits for any frame after its keep-alive PING before it closes the connection.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

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

    /// <summary>
    /// Unset: no cap. Set: at most this many ext_proc connections at once; one beyond it is closed when accepted and
    /// counted (<c>tracefilter.extproc.connections.rejected</c>). Each Envoy opens one connection per worker thread to
    /// every replica it resolves, so size it from the fleet (Envoys × workers, with room for MaxConnectionAge's
    /// overlap); it bounds what a flood of connections can hold, not what Envoy needs.
    /// </summary>
    public int? MaxConnections { get; set; }

    public PropagationOptions Propagation { get; set; } = new();

    public SamplingSection Sampling { get; set; } = new();

    public ClientIdentitySection ClientIdentity { get; set; } = new();

    public NamingSection Naming { get; set; } = new();

    /// <summary>Literal tags added to every exported span (Zipkin tags, X-Ray annotations), e.g. SpanTags:env=prod.</summary>
    public Dictionary<string, string> SpanTags { get; set; } = [];

    /// <summary>Request headers copied onto every exported span: header name → tag key, e.g. SpanHeaderTags:x-tenant=tenant.</summary>
    public Dictionary<string, string> SpanHeaderTags { get; set; } = [];
}
