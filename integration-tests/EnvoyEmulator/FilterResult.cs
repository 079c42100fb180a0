using Envoy.Service.ExtProc.V3;

namespace EnvoyEmulator;

internal enum FilterResultKind { Answered, Continue, LocalReply }

/// <summary>
/// What the filter decided after waiting: the expected answer arrived, continue without (more) processing,
/// or answer the client with a local reply.
/// </summary>
internal sealed record FilterResult(FilterResultKind Kind, ProcessingResponse? Answer = null, LocalReply? Reply = null)
{
    public static FilterResult Continue { get; } = new(FilterResultKind.Continue);

    public static FilterResult Answered(ProcessingResponse answer) => new(FilterResultKind.Answered, answer);

    public static FilterResult Local(LocalReply reply) => new(FilterResultKind.LocalReply, Reply: reply);
}
