namespace EnvoyTraceFilter.Core.Spans;

/// <summary>What the request phase knows about a hop span: the request line, the client, the service, the start.</summary>
public sealed record SpanRequest
{
    /// <summary>Service name chosen by the naming rules.</summary>
    public required string ServiceName { get; init; }

    public required long StartUnixMicros { get; init; }

    public required string Method { get; init; }

    public required string Url { get; init; }

    public string Path { get; init; } = "";

    public string? ClientIp { get; init; }

    public bool ClientIpFromForwardedFor { get; init; }

    public string? UserAgent { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];
}
