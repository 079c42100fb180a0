namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>Source of new ids; injected so tests are deterministic.</summary>
public interface IIdGenerator
{
    SpanId NewSpanId();

    TraceId NewTraceId();
}
