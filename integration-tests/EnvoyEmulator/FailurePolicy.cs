using Envoy.Service.ExtProc.V3;
using Grpc.Core;
using Case = Envoy.Service.ExtProc.V3.ProcessingResponse.ResponseOneofCase;

namespace EnvoyEmulator;

/// <summary>
/// Envoy's decision, per version and failure_mode_allow, when the server misbehaves: fail open (continue
/// unmodified, no local reply) or answer the client itself (doc §1b "Wrong response type ... slowness").
/// </summary>
internal sealed class FailurePolicy(EmulatorOptions options, EmulatorStats stats)
{
    private readonly EnvoyVersion _version = options.EnvoyVersion;

    /// <summary>message_timeout fired (onMessageTimeout).</summary>
    public (ExchangeOutcome Outcome, LocalReply? Reply) TimedOut()
    {
        stats.IncMessageTimeouts();
        if (options.FailureModeAllow)
        {
            stats.IncFailureModeAllowed();
            return (ExchangeOutcome.FailOpenTimeout, null);
        }

        // 504 from 1.31, 500 before.
        return (ExchangeOutcome.LocalReplyError,
            LocalReply.Error(_version.AtLeast(31) ? 504 : 500, "ext_proc_error_per-message_timeout_exceeded"));
    }

    /// <summary>An answer of the wrong arm, none, or a duplicate (onReceiveMessage, FailedPrecondition).</summary>
    public (ExchangeOutcome Outcome, LocalReply? Reply) Spurious(ProcessingResponse answer)
    {
        stats.IncSpuriousMsgsReceived();
        if (!_version.AtLeast(35))
        {
            return (ExchangeOutcome.SpuriousBypass, null); // 1.28–1.34: always bypass, no counter
        }

        if (options.FailureModeAllow)
        {
            stats.IncFailureModeAllowed();
            return (ExchangeOutcome.FailOpenSpurious, null);
        }

        // No arm, or one this Envoy does not know (streamed_immediate_response), is "unhandled"; a known arm
        // at the wrong time is "spurious" (processor_state.cc).
        var known = answer.ResponseCase is not (Case.None or Case.StreamedImmediateResponse);
        return (ExchangeOutcome.LocalReplyError, LocalReply.Error(500, known ? "spurious message" : "unhandled message"));
    }

    /// <summary>The server ended the call while processing was still expected (onGrpcClose / onGrpcError).</summary>
    public (ExchangeOutcome Outcome, LocalReply? Reply) RemoteClosed(Status status)
    {
        if (status.StatusCode == StatusCode.OK)
        {
            return (ExchangeOutcome.ClosedByServer, null);
        }

        if (options.FailureModeAllow)
        {
            return (ExchangeOutcome.FailOpenError, null);
        }

        // "%s_gRPC_error_%i{%s}" from 1.36; the code is numeric.
        var detail = $"ext_proc_error_gRPC_error_{(int)status.StatusCode}";
        return (ExchangeOutcome.LocalReplyError,
            LocalReply.Error(500, _version.AtLeast(36) ? $"{detail}{{{status.Detail}}}" : detail));
    }
}
