namespace EnvoyTraceFilter.Configuration;

/// <summary>
/// Envoy's header limits, which a header mutation must not cross: Envoy answers such a mutation with a local 500
/// that failure_mode_allow does not cover. Keep in step with the connection manager (request) and the app
/// cluster (response); the defaults are Envoy's.
/// </summary>
public sealed class EnvoyLimitsOptions
{
    /// <summary>The HCM's common_http_protocol_options.max_headers_count (Envoy calls it max_request_headers_count).</summary>
    public int MaxRequestHeadersCount { get; set; } = 100;

    /// <summary>The HCM's max_request_headers_kb.</summary>
    public int MaxRequestHeadersKb { get; set; } = 60;

    /// <summary>The app cluster's common_http_protocol_options.max_headers_count.</summary>
    public int MaxResponseHeadersCount { get; set; } = 100;

    /// <summary>The app cluster's common_http_protocol_options.max_response_headers_kb (Envoy 1.32+).</summary>
    public int MaxResponseHeadersKb { get; set; } = 60;
}
