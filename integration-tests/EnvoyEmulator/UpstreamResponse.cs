using System.Globalization;

namespace EnvoyEmulator;

/// <summary>What the application answers; or, via <see cref="Reset"/>, a stream reset before any response.</summary>
public sealed class UpstreamResponse
{
    public int Status { get; init; } = 200;

    public HeaderList Headers { get; init; } = [];

    public string Body { get; init; } = "";

    /// <summary>Envoy reset reason token (e.g. "remote_reset", "connection_failure") or null.</summary>
    public string? ResetReason { get; private init; }

    public bool IsReset => ResetReason is not null;

    /// <summary>
    /// Completes when the application has sent the last byte of the body (a slow or streamed body); null when the
    /// body goes out at once. Envoy up to 1.36 keeps the ext_proc stream open until then.
    /// </summary>
    public Task? BodySent { get; init; }

    public static UpstreamResponse Ok() => new();

    /// <summary>The upstream resets the stream before responding: Envoy answers 503 itself.</summary>
    public static UpstreamResponse Reset(string reason = "remote_reset") => new() { ResetReason = reason };

    /// <summary>True if body bytes follow the headers (so response_headers.end_of_stream is false).</summary>
    internal bool HasBody(string requestMethod)
    {
        if (requestMethod == "HEAD" || Status is 204 or 304)
        {
            return false;
        }

        if (Body.Length > 0 || Headers.Contains("transfer-encoding"))
        {
            return true;
        }

        var length = Headers.GetAll("content-length").FirstOrDefault();
        return length is not null && long.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0;
    }
}
