namespace EnvoyEmulator;

/// <summary>What the HTTP client received from Envoy.</summary>
public sealed class DownstreamResponse
{
    public required int Status { get; init; }

    /// <summary>Response headers (no :status). "date" is omitted on purpose (non-deterministic).</summary>
    public required HeaderList Headers { get; init; }

    public required string Body { get; init; }

    /// <summary>Envoy's %RESPONSE_CODE_DETAILS%, e.g. via_upstream, ext_proc_error_per-message_timeout_exceeded.</summary>
    public required string Details { get; init; }

    /// <summary>
    /// Envoy reset the client's stream after the response had started: an ext_proc error that calls for a local
    /// reply while the body was still going out (<see cref="Details"/> then holds the error's details).
    /// </summary>
    public bool ResetAfterHeaders { get; init; }

    /// <inheritdoc cref="HeaderList.Get"/>
    public string? Get(string name) => Headers.Get(name);
}
