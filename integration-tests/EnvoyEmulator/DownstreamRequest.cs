using System.Net;

namespace EnvoyEmulator;

/// <summary>An HTTP request as a client sends it to Envoy's listener (before the connection manager runs).</summary>
public sealed class DownstreamRequest
{
    public string Method { get; init; } = "GET";

    public string Path { get; init; } = "/";

    /// <summary>Host / :authority. If null, a "host" entry in <see cref="Headers"/> is used.</summary>
    public string? Authority { get; init; }

    /// <summary>"http" or "https": the TLS state of the downstream connection.</summary>
    public string Scheme { get; init; } = "http";

    /// <summary>Client headers as sent (any case; "Host" becomes :authority).</summary>
    public HeaderList Headers { get; init; } = [];

    /// <summary>The TCP peer of the downstream connection.</summary>
    public IPEndPoint PeerAddress { get; init; } = IPEndPoint.Parse("198.51.100.7:50000");

    /// <summary>True if a body follows the headers (request_headers.end_of_stream is then false).</summary>
    public bool HasBody { get; init; }

    /// <summary>Reported by the request.protocol attribute.</summary>
    public string Protocol { get; init; } = "HTTP/1.1";
}
