using EnvoyTraceFilter.Core.Spans;
using EnvoyTraceFilter.Core.XRay;
using Microsoft.Extensions.Logging;

namespace EnvoyTraceFilter.Exporters.XRay;

/// <summary>One <see cref="XRayLogLimiter"/> per kind of per-span log line, and the writer-result logging.</summary>
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

    /// <summary>Logs (rate-limited) what the writer reported; false with the drop result when nothing is to be sent.</summary>
    public bool ShouldSend(XRayWriteResult written, SpanRecord span, ILogger logger, int limit, out XRayExportResult drop)
    {
        long suppressed;
        switch (written)
        {
            case XRayWriteResult.Written:
                drop = default;
                return true;
            case XRayWriteResult.WrittenWithoutOptional:
                if (Reduced.TryAcquire(out suppressed))
                {
                    XRayExporterLog.SentWithoutOptional(logger, span.TraceId.ToString(), limit, suppressed);
                }

                drop = default;
                return true;
            case XRayWriteResult.TooLarge:
                if (TooLarge.TryAcquire(out suppressed))
                {
                    XRayExporterLog.TooLarge(logger, span.TraceId.ToString(), limit, suppressed);
                }

                drop = XRayExportResult.DroppedTooLarge;
                return false;
            default:
                if (Invalid.TryAcquire(out suppressed))
                {
                    XRayExporterLog.InvalidSpan(logger, span.TraceId.ToString(), suppressed);
                }

                drop = XRayExportResult.DroppedInvalid;
                return false;
        }
    }
}
