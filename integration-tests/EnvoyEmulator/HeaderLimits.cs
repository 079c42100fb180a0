namespace EnvoyEmulator;

/// <summary>
/// The limits carried by one Envoy header map (HeaderMap::maxHeadersCount / maxHeadersKb), which ext_proc's
/// mutation checks read from the map being mutated: request headers carry the connection manager's
/// max_request_headers_count / max_request_headers_kb, upstream response headers the cluster's
/// max_headers_count / max_response_headers_kb (1.32+), and locally generated replies none.
/// </summary>
public readonly record struct HeaderLimits(int MaxCount, int MaxKb)
{
    /// <summary>A map Envoy builds itself (local replies): created without limits (UINT32_MAX).</summary>
    public static HeaderLimits None { get; } = new(int.MaxValue, int.MaxValue / 1024);

    public long MaxBytes => MaxKb * 1024L;
}
