namespace EnvoyTraceFilter.Exporters.XRay;

/// <summary>One <see cref="XRayLogLimiter"/> per kind of log line that could otherwise fire per span.</summary>
internal sealed class XRayExporterLimiters(TimeProvider time, TimeSpan interval)
{
    public XRayLogLimiter QueueFull { get; } = new(time, interval);
    public XRayLogLimiter IncompatibleId { get; } = new(time, interval);
    public XRayLogLimiter TooLarge { get; } = new(time, interval);
    public XRayLogLimiter Reduced { get; } = new(time, interval);
    public XRayLogLimiter Invalid { get; } = new(time, interval);
    public XRayLogLimiter SendFailed { get; } = new(time, interval);
    public XRayLogLimiter NoAddress { get; } = new(time, interval);
    public XRayLogLimiter Unexpected { get; } = new(time, interval);
}
