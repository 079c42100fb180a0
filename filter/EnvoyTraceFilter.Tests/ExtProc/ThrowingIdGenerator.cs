using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Tests.ExtProc;

/// <summary>Injects a failure inside request analysis.</summary>
internal sealed class ThrowingIdGenerator : IIdGenerator
{
    public SpanId NewSpanId() => throw new InvalidOperationException("injected");

    public TraceId NewTraceId() => throw new InvalidOperationException("injected");
}
