namespace EnvoyEmulator;

/// <summary>How the emulator ends the ext_proc call (doc §1b "How Envoy closes", performance-baseline §4.1).</summary>
public enum CloseStyle
{
    /// <summary>Envoy's default in every version: half-close immediately followed by a stream reset.</summary>
    EnvoyReset,

    /// <summary>Opt-in graceful close (1.34+ runtime guard): half-close, then wait up to 1000 ms for the server.</summary>
    Graceful,
}
