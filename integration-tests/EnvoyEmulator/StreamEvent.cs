using Envoy.Service.ExtProc.V3;
using Grpc.Core;

namespace EnvoyEmulator;

internal enum StreamEventKind { Message, ClosedOk, Failed, TimedOut }

/// <summary>What happened next on the ext_proc stream while Envoy waited.</summary>
internal sealed record StreamEvent(StreamEventKind Kind, ProcessingResponse? Message = null, Status? Status = null)
{
    public static StreamEvent TimedOut { get; } = new(StreamEventKind.TimedOut);
}
