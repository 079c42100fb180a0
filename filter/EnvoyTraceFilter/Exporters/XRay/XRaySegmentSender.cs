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
    XRayExporterOptions options, IXRayEmitter emitter, TimeProvider time, ILogger logger, XRayExporterLimiters limits,
    Action<string>? countError = null)
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
            // Not expected (sends report errors as values); kept so an emitter that throws is still counted.
            emitter.OnSendFailed();
            countError?.Invoke(ExportErrors.Socket);
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

        switch (emitter.Send(datagram.Span, out var error))
        {
            case XRaySendStatus.Sent:
                return XRayExportResult.Exported;
            case XRaySendStatus.NoAddress:
                countError?.Invoke(ExportErrors.NoAddress);
                if (limits.NoAddress.TryAcquire(out suppressed))
                {
                    XRayExporterLog.NoDaemonAddress(logger, emitter.Describe(), suppressed);
                }

                return XRayExportResult.Failed;
            default:
                // A refusal is about the previous datagram (its ICMP error arrives late); either way this one is
                // not sent, and a DNS-named daemon is looked up again soon in case it moved.
                emitter.OnSendFailed();
                countError?.Invoke(error == SocketError.ConnectionRefused ? ExportErrors.ConnectionRefused : ExportErrors.Socket);
                if (limits.SendFailed.TryAcquire(out suppressed))
                {
                    XRayExporterLog.SendError(logger, emitter.Describe(), error, suppressed);
                }

                return XRayExportResult.Failed;
        }
    }
}
