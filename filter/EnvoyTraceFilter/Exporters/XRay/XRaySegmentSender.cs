using System.Net.Sockets;
using EnvoyTraceFilter.Core.Spans;
using EnvoyTraceFilter.Core.XRay;
using Microsoft.Extensions.Logging;

namespace EnvoyTraceFilter.Exporters.XRay;

/// <summary>
/// One span's way out, run on the exporter's loop: trace-id policy, datagram, send. Every exception ends here as
/// a result; per-span problems are logged through rate limiters. Not thread-safe (one writer buffer).
/// </summary>
internal sealed class XRaySegmentSender(
    XRayExporterOptions options, IXRayEmitter emitter, TimeProvider time, ILogger logger, XRayExporterLimiters limits)
{
    private readonly XRaySegmentWriter _writer = new(options.MaxDatagramBytes);

    public async ValueTask<XRayExportResult> SendAsync(SpanRecord span, CancellationToken abort)
    {
        long suppressed;
        try
        {
            await emitter.RefreshAsync(abort).ConfigureAwait(false);
            return Send(span);
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            return XRayExportResult.DroppedShutdown;
        }
        catch (SocketException ex)
        {
            emitter.OnSendFailed();
            if (limits.SendFailed.TryAcquire(out suppressed))
            {
                XRayExporterLog.SendFailed(logger, emitter.Describe(), suppressed, ex);
            }
        }
        catch (Exception ex)
        {
            if (limits.Unexpected.TryAcquire(out suppressed))
            {
                XRayExporterLog.UnexpectedFailure(logger, suppressed, ex);
            }
        }

        return XRayExportResult.Failed;
    }

    private XRayExportResult Send(SpanRecord span)
    {
        long suppressed;
        if (options.TraceIdPolicy == XRayTraceIdPolicy.Drop &&
            !XRayTraceIds.IsXRayCompatible(span.TraceId, time.GetUtcNow().ToUnixTimeSeconds()))
        {
            if (limits.IncompatibleId.TryAcquire(out suppressed))
            {
                XRayExporterLog.IncompatibleTraceId(
                    logger, span.TraceId.ToString(), XRayTraceIds.EpochSeconds(span.TraceId), suppressed);
            }

            return XRayExportResult.DroppedIncompatibleId;
        }

        switch (_writer.Write(span, out var datagram))
        {
            case XRayWriteResult.TooLarge:
                if (limits.TooLarge.TryAcquire(out suppressed))
                {
                    XRayExporterLog.TooLarge(logger, span.TraceId.ToString(), options.MaxDatagramBytes, suppressed);
                }

                return XRayExportResult.DroppedTooLarge;
            case XRayWriteResult.Invalid:
                if (limits.Invalid.TryAcquire(out suppressed))
                {
                    XRayExporterLog.InvalidSpan(logger, span.TraceId.ToString(), suppressed);
                }

                return XRayExportResult.DroppedInvalid;
            case XRayWriteResult.WrittenWithoutOptional when limits.Reduced.TryAcquire(out suppressed):
                XRayExporterLog.SentWithoutOptional(logger, span.TraceId.ToString(), options.MaxDatagramBytes, suppressed);
                break;
        }

        if (emitter.TrySend(datagram.Span))
        {
            return XRayExportResult.Exported;
        }

        if (limits.NoAddress.TryAcquire(out suppressed))
        {
            XRayExporterLog.NoDaemonAddress(logger, emitter.Describe(), suppressed);
        }

        return XRayExportResult.Failed;
    }
}
