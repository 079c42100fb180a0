using EnvoyTraceFilter.Exporters;
using EnvoyTraceFilter.Telemetry;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>The process-wide collaborators every stream uses; one instance, injected.</summary>
public sealed class StreamServices(FilterMetrics metrics, ErrorLogLimiter limiter, SpanSink sink, TimeProvider time, ILogger<StreamServices> logger)
{
    public FilterMetrics Metrics => metrics;

    public ErrorLogLimiter Limiter => limiter;

    public SpanSink Sink => sink;

    public TimeProvider Time => time;

    public ILogger Logger => logger;
}
