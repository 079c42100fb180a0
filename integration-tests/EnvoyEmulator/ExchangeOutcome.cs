namespace EnvoyEmulator;

/// <summary>How Envoy's ext_proc filter fared with the server for one HTTP request.</summary>
public enum ExchangeOutcome
{
    /// <summary>Every expected message was sent and answered with the right arm.</summary>
    Processed,

    /// <summary>No message was sent (both header modes SKIP, or the request was rejected before filters).</summary>
    NotProcessed,

    /// <summary>The server ended the call with OK before answering everything; the rest went unprocessed.</summary>
    ClosedByServer,

    /// <summary>gRPC error with failure_mode_allow: continued unmodified.</summary>
    FailOpenError,

    /// <summary>message_timeout with failure_mode_allow: continued unmodified.</summary>
    FailOpenTimeout,

    /// <summary>Spurious answer on 1.35+ with failure_mode_allow: continued unmodified.</summary>
    FailOpenSpurious,

    /// <summary>Spurious answer on 1.28–1.34: always bypassed, continued unmodified.</summary>
    SpuriousBypass,

    /// <summary>Envoy answered the client with an ext_proc error reply (500/504/...).</summary>
    LocalReplyError,

    /// <summary>The server answered with immediate_response.</summary>
    ImmediateResponse,
}
