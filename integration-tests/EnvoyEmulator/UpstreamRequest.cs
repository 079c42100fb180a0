namespace EnvoyEmulator;

/// <summary>What the application behind Envoy received (HTTP/1.1 view: :authority is sent as host).</summary>
public sealed class UpstreamRequest
{
    public required string Method { get; init; }

    public required string Path { get; init; }

    public required string Authority { get; init; }

    public required string Scheme { get; init; }

    /// <summary>All non-pseudo headers in order, starting with host.</summary>
    public required HeaderList Headers { get; init; }

    /// <summary>Body set by a CONTINUE_AND_REPLACE body_mutation, else null.</summary>
    public string? ReplacedBody { get; init; }

    /// <inheritdoc cref="HeaderList.Get"/>
    public string? Get(string name) => Headers.Get(name);

    public IReadOnlyList<string> GetAll(string name) => Headers.GetAll(name);
}
