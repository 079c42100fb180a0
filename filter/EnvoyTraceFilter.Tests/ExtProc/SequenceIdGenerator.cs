using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Tests.ExtProc;

internal sealed class SequenceIdGenerator : IIdGenerator
{
    private ulong _next = 0x1111111111111111;

    public SpanId NewSpanId() => new(_next++);

    public TraceId NewTraceId() => new(0x6560000012345678, 0x9abcdef012345678);
}
