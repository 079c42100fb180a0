using System.Net;
using Envoy.Extensions.Filters.Http.ExtProc.V3;

namespace EnvoyEmulator;

/// <summary>
/// Envoy configuration the emulator behaves as. Defaults are the headers-only setup of the project's envoy.yaml
/// without its forward_rules, and Envoy's own 200 ms MessageTimeout; <see cref="EnvoyYamlConfig"/> builds the
/// options from an actual envoy.yaml.
/// </summary>
public sealed record EmulatorOptions
{
    public EnvoyVersion EnvoyVersion { get; init; } = EnvoyVersion.V1_36;

    /// <summary>ext_proc message_timeout: how long Envoy waits for each answer.</summary>
    public TimeSpan MessageTimeout { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>ext_proc max_message_timeout; zero disables override_message_timeout.</summary>
    public TimeSpan MaxMessageTimeout { get; init; } = TimeSpan.Zero;

    public bool FailureModeAllow { get; init; } = true;

    /// <summary>Header modes SEND/SKIP/DEFAULT are emulated; body modes other than NONE are not.</summary>
    public ProcessingMode ProcessingMode { get; init; } = DefaultProcessingMode();

    public bool AllowModeOverride { get; init; }

    public IReadOnlyList<string> RequestAttributes { get; init; } = ["source.address", "request.time"];

    public IReadOnlyList<string> ResponseAttributes { get; init; } = [];

    public HeaderMutationRules MutationRules { get; init; } = new();

    /// <summary>HCM use_remote_address.</summary>
    public bool UseRemoteAddress { get; init; } = true;

    /// <summary>HCM xff_num_trusted_hops.</summary>
    public int XffNumTrustedHops { get; init; }

    /// <summary>Cluster name; becomes the ext_proc call's :authority.</summary>
    public string ClusterName { get; init; } = "trace_filter";

    public CloseStyle CloseStyle { get; init; } = CloseStyle.EnvoyReset;

    /// <summary>HCM max_request_headers_count (also bounds mutation results).</summary>
    public int MaxRequestHeadersCount { get; init; } = 100;

    /// <summary>HCM max_request_headers_kb (also bounds mutation results).</summary>
    public int MaxRequestHeadersKb { get; init; } = 60;

    /// <summary>
    /// The app cluster's common_http_protocol_options.max_headers_count: bounds the upstream response's header
    /// map, and with it response-header mutations.
    /// </summary>
    public int MaxResponseHeadersCount { get; init; } = 100;

    /// <summary>The app cluster's max_response_headers_kb (1.32+; 60 KiB by default), likewise.</summary>
    public int MaxResponseHeadersKb { get; init; } = 60;

    public HeaderLimits RequestHeaderLimits => new(MaxRequestHeadersCount, MaxRequestHeadersKb);

    public HeaderLimits ResponseHeaderLimits => new(MaxResponseHeadersCount, MaxResponseHeadersKb);

    /// <summary>
    /// Envoy's own local address: appended to XFF for loopback peers and sent as the ext_proc call's
    /// x-forwarded-for. A documentation address by default (a real Envoy uses its host's address).
    /// </summary>
    public IPAddress EnvoyLocalAddress { get; init; } = IPAddress.Parse("192.0.2.1");

    /// <summary>Listener address, reported by the destination.* attributes.</summary>
    public IPEndPoint ListenerAddress { get; init; } = IPEndPoint.Parse("192.0.2.1:10000");

    /// <summary>Route timeout the router announces upstream in x-envoy-expected-rq-timeout-ms.</summary>
    public TimeSpan RouteTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Clock for request.time (tests pin it).</summary>
    public Func<DateTimeOffset> Clock { get; init; } = () => DateTimeOffset.UtcNow;

    /// <summary>x-request-id generator (tests pin it).</summary>
    public Func<string> RequestIdGenerator { get; init; } = () => Guid.NewGuid().ToString();

    /// <summary>ext_proc forward_rules: which headers go into the messages. Default: all (none configured).</summary>
    public ForwardRules ForwardRules { get; init; } = ForwardRules.All;

    /// <summary>
    /// Nanoseconds below .NET's 100 ns tick added to request.time: Envoy's clock has nanosecond resolution, so
    /// its timestamps usually carry 9 fractional digits. 0–99, random by default; tests pin it.
    /// </summary>
    public Func<int> SubTickNanoseconds { get; init; } = () => Random.Shared.Next(100);

    /// <summary>
    /// Envoy worker threads (--concurrency). Raw transport: each worker has its own connection pool to the ext_proc
    /// cluster, so normally one HTTP/2 connection per worker; requests are spread over the workers in turn.
    /// </summary>
    public int Workers { get; init; } = 2;

    /// <summary>
    /// The cluster's HTTP/2 max_concurrent_streams (Envoy 1.36 default 1024): a worker opens another connection
    /// when every connection has this many active streams (or the server's lower SETTINGS_MAX_CONCURRENT_STREAMS).
    /// </summary>
    public int MaxConcurrentStreamsPerConnection { get; init; } = 1024;

    /// <summary>
    /// The cluster circuit breaker's max_requests (Envoy default 1024), over all workers. Raw transport only:
    /// past it the ext_proc call fails at once and the filter's failure policy applies (fail-open by default).
    /// </summary>
    public int ClusterMaxRequests { get; init; } = 1024;

    public static ProcessingMode DefaultProcessingMode() => new()
    {
        RequestHeaderMode = ProcessingMode.Types.HeaderSendMode.Send,
        ResponseHeaderMode = ProcessingMode.Types.HeaderSendMode.Send,
        RequestBodyMode = ProcessingMode.Types.BodySendMode.None,
        ResponseBodyMode = ProcessingMode.Types.BodySendMode.None,
        RequestTrailerMode = ProcessingMode.Types.HeaderSendMode.Skip,
        ResponseTrailerMode = ProcessingMode.Types.HeaderSendMode.Skip,
    };
}
