namespace EnvoyTraceFilter.ExtProc;

internal static partial class ExtProcLog
{
    [LoggerMessage(EventId = 1, EventName = "HandlerException", Level = LogLevel.Error,
        Message = "Exception while handling {Phase}; answered with an empty {Phase} response so the request passes unmodified (further ones within the log interval are only counted).")]
    public static partial void HandlerException(ILogger logger, string phase, Exception exception);

    [LoggerMessage(EventId = 2, EventName = "ProtocolViolation", Level = LogLevel.Warning,
        Message = "ext_proc protocol violation, ending this stream with {Status}: {Detail}")]
    public static partial void ProtocolViolation(ILogger logger, string status, string detail);

    [LoggerMessage(EventId = 3, EventName = "StreamFault", Level = LogLevel.Warning,
        Message = "ext_proc stream ended by an unexpected transport error")]
    public static partial void StreamFault(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 10, EventName = "RequestDecided", Level = LogLevel.Debug,
        Message = "{Authority}{Path}: trace {TraceId} span {SpanId} parent {ParentSpanId} sampled {Sampled} service {ServiceName} client_ip {ClientIp} x_forwarded_for {XForwardedFor}")]
    public static partial void RequestDecided(ILogger logger, string authority, string path, string traceId, string spanId, string parentSpanId,
        bool sampled, string serviceName, string clientIp, bool xForwardedFor);

    [LoggerMessage(EventId = 11, EventName = "BodyModesDetected", Level = LogLevel.Debug,
        Message = "Envoy announced body processing (protocol_config); this stream is not ended early after the headers.")]
    public static partial void BodyModesDetected(ILogger logger);
}
