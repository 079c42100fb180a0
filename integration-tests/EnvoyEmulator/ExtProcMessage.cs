using Envoy.Service.ExtProc.V3;

namespace EnvoyEmulator;

/// <summary>One message on the ext_proc stream, in wire order: exactly one of Sent / Received is set.</summary>
public sealed record ExtProcMessage(ProcessingRequest? Sent, ProcessingResponse? Received)
{
    public override string ToString() => Sent is not null ? $"sent {Sent}" : $"received {Received}";
}
