using EnvoyTraceFilter.Core.Headers;

namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>
/// Reads every present trace format and picks the winner by precedence. Every present format is parsed,
/// not just the winner, so each malformed header is counted and "is this format missing?" is known for
/// translate-only mode. An invalid higher-precedence header never hides a valid lower one.
/// </summary>
public static class TraceContextExtractor
{
    public static IncomingTrace Extract(in HeaderSet headers, ReadOnlySpan<TraceFormat> precedence)
    {
        TraceContext? winner = null;
        var sampling = SamplingDecision.None;
        var present = TraceFormatSet.Empty;
        var valid = TraceFormatSet.Empty;
        var withIds = TraceFormatSet.Empty;
        var rejects = default(TraceRejects);

        foreach (var format in precedence)
        {
            if (!IsPresent(headers, format))
            {
                continue;
            }

            present = present.With(format);
            if (!TryParse(headers, format, out var context, out var reason))
            {
                rejects.Set(format, reason);
                continue;
            }

            valid = valid.With(format);
            if (!context.Ignored.IsEmpty)
            {
                rejects.AddIgnored(format, context.Ignored);
            }

            if (context.HasTraceId)
            {
                withIds = withIds.With(format);
            }

            if (winner is not null)
            {
                continue;
            }

            if (context.HasTraceId)
            {
                winner = context;
                if (sampling == SamplingDecision.None)
                {
                    sampling = context.Sampling;
                }
            }
            else if (sampling == SamplingDecision.None)
            {
                sampling = context.Sampling;
            }
        }

        return new IncomingTrace(winner, sampling, present, valid, rejects, withIds);
    }

    private static bool IsPresent(in HeaderSet headers, TraceFormat format) => format switch
    {
        TraceFormat.B3Single => headers.Contains(KnownHeader.B3),
        TraceFormat.B3Multi => headers.Contains(KnownHeader.XB3TraceId) || headers.Contains(KnownHeader.XB3SpanId)
            || headers.Contains(KnownHeader.XB3ParentSpanId) || headers.Contains(KnownHeader.XB3Sampled)
            || headers.Contains(KnownHeader.XB3Flags),
        TraceFormat.TraceParent => headers.Contains(KnownHeader.TraceParent),
        TraceFormat.XRay => headers.Contains(KnownHeader.XAmznTraceId),
        TraceFormat.CloudTrace => headers.Contains(KnownHeader.XCloudTraceContext),
        _ => false,
    };

    private static bool TryParseB3Single(in HeaderSet headers, out TraceContext context, out RejectReason reason)
    {
        if (!B3Parser.TryParseSingle(headers.Get(KnownHeader.B3), out context, out reason))
        {
            return false;
        }

        if (headers.IsDuplicated(KnownHeader.B3))
        {
            context = context with { Ignored = context.Ignored.With(RejectReason.Repeated) };
        }

        return true;
    }

    private static bool TryParse(in HeaderSet headers, TraceFormat format, out TraceContext context, out RejectReason reason)
    {
        var single = format switch
        {
            TraceFormat.B3Single => KnownHeader.B3,
            TraceFormat.TraceParent => KnownHeader.TraceParent,
            TraceFormat.XRay => KnownHeader.XAmznTraceId,
            TraceFormat.CloudTrace => KnownHeader.XCloudTraceContext,
            _ => (KnownHeader?)null,
        };

        // Two values for one context header. B3: every peer's getter reads the first, so we do too and count the
        // repeat. The others stay refused: the W3C test suite requires it of traceparent, and for X-Ray and
        // Google's header there is no way to know which one the sender meant.
        if (single is { } header && header != KnownHeader.B3 && headers.IsDuplicated(header))
        {
            context = default;
            reason = RejectReason.Duplicate;
            return false;
        }

        return format switch
        {
            TraceFormat.B3Single => TryParseB3Single(headers, out context, out reason),
            TraceFormat.B3Multi => B3Parser.TryParseMulti(headers, out context, out reason),
            TraceFormat.TraceParent => TraceParentParser.TryParse(headers.Get(KnownHeader.TraceParent), out context, out reason),
            TraceFormat.XRay => XRayTraceHeaderParser.TryParse(headers.Get(KnownHeader.XAmznTraceId), out context, out reason),
            TraceFormat.CloudTrace => CloudTraceContextParser.TryParse(headers.Get(KnownHeader.XCloudTraceContext), out context, out reason),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
    }
}
