using EnvoyTraceFilter.Telemetry;
using EnvoyTraceFilter.Core.XRay;
using Microsoft.Extensions.Logging;

namespace EnvoyTraceFilter.Exporters.XRay;

/// <summary>
/// Every X-Ray exporter log line, with stable event ids 4100–4199. Lines that could fire per span are
/// only written through an <see cref="LogLimiter"/> and report how many were suppressed.
/// </summary>
internal static partial class XRayExporterLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information,
        Message = "X-Ray exporter started: daemon {Daemon}, trace-id policy {Policy}, queue capacity {Capacity}")]
    public static partial void Started(ILogger logger, string daemon, XRayTraceIdPolicy policy, int capacity);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning,
        Message = "X-Ray queue full (capacity {Capacity}): span dropped; {Suppressed} more since the last report")]
    public static partial void QueueFull(ILogger logger, int capacity, long suppressed);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning,
        Message = "X-Ray segment dropped: trace id {TraceId} has epoch {Epoch}, outside X-Ray's window (policy Drop); {Suppressed} more since the last report")]
    public static partial void IncompatibleTraceId(ILogger logger, string traceId, long epoch, long suppressed);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Warning,
        Message = "X-Ray segment dropped: trace {TraceId} exceeds {Limit} bytes even without user agent and annotations; {Suppressed} more since the last report")]
    public static partial void TooLarge(ILogger logger, string traceId, int limit, long suppressed);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Information,
        Message = "X-Ray segment for trace {TraceId} sent without user agent and annotations to fit {Limit} bytes; {Suppressed} more since the last report")]
    public static partial void SentWithoutOptional(ILogger logger, string traceId, int limit, long suppressed);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning,
        Message = "X-Ray segment dropped: span lacks trace id, span id, name or start time (trace {TraceId}); {Suppressed} more since the last report")]
    public static partial void InvalidSpan(ILogger logger, string traceId, long suppressed);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning,
        Message = "X-Ray send to {Daemon} failed; {Suppressed} more since the last report")]
    public static partial void SendFailed(ILogger logger, string daemon, long suppressed, Exception exception);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Warning,
        Message = "X-Ray send to {Daemon} failed: {Error} (ConnectionRefused: no daemon listens there); {Suppressed} more since the last report")]
    public static partial void SendError(ILogger logger, string daemon, System.Net.Sockets.SocketError error, long suppressed);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Warning,
        Message = "X-Ray segment not sent: daemon host {Host} has not resolved yet; {Suppressed} more since the last report")]
    public static partial void NoDaemonAddress(ILogger logger, string host, long suppressed);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Warning,
        Message = "X-Ray daemon host {Host} did not resolve; keeping {Current}; {Suppressed} more since the last report")]
    public static partial void ResolveFailed(ILogger logger, string host, string current, long suppressed, Exception? exception);

    [LoggerMessage(EventId = 4109, Level = LogLevel.Information,
        Message = "X-Ray daemon host {Host} now resolves to {EndPoint}")]
    public static partial void Resolved(ILogger logger, string host, string endPoint);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Warning,
        Message = "X-Ray exporter stopped with {Dropped} span(s) unsent after the {Deadline} drain deadline")]
    public static partial void ShutdownDropped(ILogger logger, long dropped, TimeSpan deadline);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Error,
        Message = "X-Ray export of one span failed unexpectedly; {Suppressed} more since the last report")]
    public static partial void UnexpectedFailure(ILogger logger, long suppressed, Exception exception);
}
