namespace EnvoyTraceFilter.Hosting;

/// <summary>Process lifecycle lines (event ids 5000–5099); each is written once per process, never per request.</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 5000, EventName = "Listening", Level = LogLevel.Information,
        Message = "ext_proc (h2c) listening on port {ExtProcPort}; admin (HTTP/1.1: /healthz /readyz /metrics) on port {AdminPort}")]
    public static partial void Listening(ILogger logger, int? extProcPort, string adminPort);

    [LoggerMessage(EventId = 5001, EventName = "DrainStarted", Level = LogLevel.Information,
        Message = "Shutdown requested: /readyz now 503; still accepting streams for the drain delay {DrainDelay}")]
    public static partial void DrainStarted(ILogger logger, TimeSpan drainDelay);

    [LoggerMessage(EventId = 5002, EventName = "StoppingListeners", Level = LogLevel.Information,
        Message = "Drain delay over: closing the listeners and sending GOAWAY; streams in flight have the grace period {GracePeriod} to finish")]
    public static partial void StoppingListeners(ILogger logger, TimeSpan gracePeriod);

    [LoggerMessage(EventId = 5003, EventName = "ListenersStopped", Level = LogLevel.Information,
        Message = "Every connection closed after {Elapsed}; flushing exporters")]
    public static partial void ListenersStopped(ILogger logger, TimeSpan elapsed);

    [LoggerMessage(EventId = 5004, EventName = "GracePeriodExceeded", Level = LogLevel.Warning,
        Message = "Streams still in flight after the grace period {GracePeriod}: their connections were aborted (Envoy fails those requests open)")]
    public static partial void GracePeriodExceeded(ILogger logger, TimeSpan gracePeriod);

    [LoggerMessage(EventId = 5005, EventName = "Stopped", Level = LogLevel.Information,
        Message = "Stopped; exporters flushed")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 5010, EventName = "ConfigFile", Level = LogLevel.Information,
        Message = "Reading configuration file {Path} (TRACEFILTER_CONFIG_FILE) after appsettings.json; it reloads on change")]
    public static partial void ConfigFile(ILogger logger, string path);
}
