using System.Numerics;
using System.Text;
using EnvoyTraceFilter.Core.Analysis;
using EnvoyTraceFilter.Core.ClientIdentity;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Naming;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Telemetry;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>Counts what a request decision says was ignored or fell back, and writes the debug line.</summary>
internal static class RequestMetrics
{
    public static void Record(FilterMetrics metrics, RequestDecision decision)
    {
        metrics.RequestProcessed(decision.Sampled);
        var rejects = decision.Incoming.Rejects;
        if (rejects.Any)
        {
            for (var format = TraceFormat.B3Single; format <= TraceFormat.CloudTrace; format++)
            {
                if (rejects[format] is var reason and not RejectReason.None)
                {
                    metrics.HeaderRejected(format, reason);
                }

                // Parts ignored inside a header that was used (a repeated line, an unsafe field): counted the same way.
                for (var mask = rejects.Ignored(format).Mask; mask != 0; mask &= mask - 1)
                {
                    metrics.HeaderRejected(format, (RejectReason)BitOperations.TrailingZeroCount(mask));
                }
            }
        }

        if (decision.Service.Reason != ServiceNameFallbackReason.None)
        {
            metrics.ServiceNameFallback(decision.Service.Reason);
        }

        if (decision.Client.ForwardedForRejectReason != ForwardedForRejectReason.None)
        {
            metrics.ForwardedForRejected(decision.Client.ForwardedForRejectReason);
        }

        if (decision.Sampling.IncomingIgnored)
        {
            metrics.IncomingSamplingIgnored(decision.Sampling.IgnoredIncoming);
        }
    }

    public static void LogDecision(ILogger logger, in HeaderSet headers, RequestDecision decision)
    {
        var o = decision.Outgoing;
        ExtProcLog.RequestDecided(logger,
            Encoding.UTF8.GetString(headers.Get(KnownHeader.Authority)),
            Encoding.UTF8.GetString(headers.Get(KnownHeader.Path)),
            o?.TraceId.ToString() ?? "-",
            o?.SpanId.ToString() ?? "-",
            o is { ParentSpanId.IsValid: true } p ? p.ParentSpanId.ToString() : "-",
            decision.Sampled,
            decision.Service.Name,
            decision.Client.Address ?? "-",
            decision.Client.FromForwardedFor);
    }
}
