using EnvoyTraceFilter.Telemetry;

namespace EnvoyTraceFilter.Exporters.XRay;

/// <summary>One <see cref="LogLimiter"/> per kind of log line that could otherwise fire per span.</summary>
internal sealed class XRayExporterLimiters(TimeProvider time, TimeSpan interval)
{
    public LogLimiter QueueFull { get; } = new(time, interval);
    public LogLimiter IncompatibleId { get; } = new(time, interval);
    public LogLimiter TooLarge { get; } = new(time, interval);
    public LogLimiter Reduced { get; } = new(time, interval);
    public LogLimiter Invalid { get; } = new(time, interval);
    public LogLimiter SendFailed { get; } = new(time, interval);
    public LogLimiter NoAddress { get; } = new(time, interval);
    public LogLimiter Unexpected { get; } = new(time, interval);
}
