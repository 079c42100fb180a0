namespace EnvoyEmulator.Http2;

/// <summary>What the client announces and limits itself to. Defaults suit an Envoy-like gRPC client.</summary>
public sealed record Http2ConnectionOptions
{
    /// <summary>SETTINGS_INITIAL_WINDOW_SIZE we announce: how much each stream may receive before our WINDOW_UPDATE.</summary>
    public int InitialStreamWindowSize { get; init; } = 16_777_216; // Envoy 1.36's default initial_stream_window_size (16 MiB; 256 MiB before)

    /// <summary>Connection receive window (raised from 65,535 by a WINDOW_UPDATE right after the preface).</summary>
    public int ConnectionWindowSize { get; init; } = 25_165_824; // Envoy 1.36's default initial_connection_window_size (24 MiB; 256 MiB before)

    /// <summary>Our own cap on concurrent streams, whatever the server allows (Envoy: max_concurrent_streams).</summary>
    public int MaxConcurrentStreams { get; init; } = int.MaxValue;

    /// <summary>SETTINGS_HEADER_TABLE_SIZE we announce (largest HPACK dynamic table the server may use).</summary>
    public int HeaderTableSize { get; init; } = 4096;
}
