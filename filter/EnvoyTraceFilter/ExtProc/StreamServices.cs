using EnvoyTraceFilter.Core.Spans;
using EnvoyTraceFilter.Telemetry;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>The process-wide collaborators every stream uses; one instance, injected.</summary>
/// <param name="spans">Starts sampled hops' spans; null when no exporter is on. The edge knows no exporter type.</param>
public sealed class StreamServices(FilterMetrics metrics, ErrorLogLimiter limiter, IHopSpanSource? spans, TimeProvider time, ILogger<StreamServices> logger)
{
    public FilterMetrics Metrics => metrics;

    public ErrorLogLimiter Limiter => limiter;

    public IHopSpanSource? Spans => spans;

    public TimeProvider Time => time;

    public ILogger Logger => logger;
}
