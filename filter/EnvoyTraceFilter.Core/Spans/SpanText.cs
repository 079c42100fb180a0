using System.Text;

namespace EnvoyTraceFilter.Core.Spans;

/// <summary>
/// Bounds on what a span copies from the request, and the cut that applies them. Header values are
/// attacker-controlled: without a bound a 1 MiB user-agent would travel into every exporter's payload.
/// </summary>
public static class SpanText
{
    /// <summary>The request line parts (:path, and the URL built from it), as bytes.</summary>
    public const int MaxPathBytes = 2048;

    public const int MaxAuthorityBytes = 255;

    public const int MaxMethodBytes = 32;

    /// <summary>:scheme; Envoy sends http or https, so anything near the bound is already nonsense.</summary>
    public const int MaxSchemeBytes = 16;

    public const int MaxUserAgentBytes = 512;

    /// <summary>A value copied from a configured request header (SpanHeaderTags).</summary>
    public const int MaxHeaderTagBytes = 256;

    /// <summary>
    /// Decodes at most <paramref name="maxBytes"/> bytes of <paramref name="value"/> as UTF-8 (invalid bytes become
    /// U+FFFD), never cutting a multi-byte character in two. <paramref name="truncated"/> says whether bytes were dropped.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> value, int maxBytes, out bool truncated)
    {
        truncated = value.Length > maxBytes;
        if (truncated)
        {
            var end = maxBytes;
            // Back up over continuation bytes (10xxxxxx) so the cut falls before a character's first byte.
            while (end > 0 && (value[end] & 0xC0) == 0x80 && maxBytes - end < 3)
            {
                end--;
            }

            value = value[..end];
        }

        return Encoding.UTF8.GetString(value);
    }
}
