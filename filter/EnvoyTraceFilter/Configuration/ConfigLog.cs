namespace EnvoyTraceFilter.Configuration;

internal static partial class ConfigLog
{
    [LoggerMessage(EventId = 100, EventName = "ConfigReloadApplied", Level = LogLevel.Information,
        Message = "Configuration reloaded; new streams use it, streams in flight finish on the previous one.")]
    public static partial void ReloadApplied(ILogger logger);

    [LoggerMessage(EventId = 101, EventName = "ConfigReloadRejected", Level = LogLevel.Error,
        Message = "Configuration reload rejected, keeping the last good configuration: {Errors}")]
    public static partial void ReloadRejected(ILogger logger, string errors);
}
