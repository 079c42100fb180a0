using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Tests.Analysis;

/// <summary>Deterministic ids for exact header assertions.</summary>
internal sealed class FixedIdGenerator(ulong spanId = 0x1111111111111111, ulong traceHigh = 0x6560000012345678, ulong traceLow = 0x9abcdef012345678) : IIdGenerator
{
    public SpanId NewSpanId() => new(spanId);

    public TraceId NewTraceId() => new(traceHigh, traceLow);
}
