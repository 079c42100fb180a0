namespace EnvoyTraceFilter.Core.Headers;

/// <summary>
/// The limits Envoy checks a mutated header map against: at most <see cref="MaxCount"/> headers and
/// <see cref="MaxBytes"/> bytes (the sum of every name's and value's length, pseudo-headers included).
/// </summary>
public readonly record struct HeaderLimits(int MaxCount, long MaxBytes)
{
    /// <summary>Envoy's defaults: max_request_headers_count / max_headers_count 100, *_headers_kb 60.</summary>
    public static HeaderLimits EnvoyDefault { get; } = FromKb(100, 60);

    public static HeaderLimits FromKb(int maxCount, int maxKb) => new(maxCount, maxKb * 1024L);
}
