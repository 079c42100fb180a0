using EnvoyTraceFilter.Core.Headers;

namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>
/// Zipkin B3 (openzipkin/b3-propagation): the single <c>b3</c> header and the <c>x-b3-*</c> headers.
/// Ids are lower-case hex; the spec gives no leniency for upper case, so it is rejected.
/// </summary>
public static class B3Parser
{
    /// <summary>Longest valid single header.</summary>
    public const int SingleMaxLength = 68; // 32 trace + 1 + 16 span + 1 + 1 sampling + 1 + 16 parent

    // "{trace}-{span}-{sampling}-{parent}" has at most four fields.
    private const int MaxSingleFields = 4;

    /// <summary>
    /// The single <c>b3</c> header: "{traceid}-{spanid}", "{traceid}-{spanid}-{sampling}",
    /// "{traceid}-{spanid}-{sampling}-{parentspanid}", or "{sampling}" alone.
    /// </summary>
    public static bool TryParseSingle(ReadOnlySpan<byte> value, out TraceContext context, out RejectReason reason)
    {
        context = default;
        if (value.IsEmpty)
        {
            return Fail(RejectReason.Empty, out reason);
        }

        if (value.Length > SingleMaxLength)
        {
            return Fail(RejectReason.TooLong, out reason);
        }

        Span<Range> fields = stackalloc Range[MaxSingleFields];
        var count = 0;
        var start = 0;
        for (var i = 0; i <= value.Length; i++)
        {
            if (i < value.Length && value[i] != (byte)'-')
            {
                continue;
            }

            // An empty field (leading, trailing or doubled '-') or a fifth field.
            if (i == start || count == MaxSingleFields)
            {
                return Fail(RejectReason.BadDelimiter, out reason);
            }

            fields[count++] = start..i;
            start = i + 1;
        }

        // A lone field is the sampling-only form ("b3: 0" is how a caller says "do not sample").
        if (count == 1)
        {
            if (!TryParseSingleSampling(value, out var only))
            {
                return Fail(RejectReason.BadSampling, out reason);
            }

            context = new TraceContext(default, default, default, only, TraceFormat.B3Single);
            reason = RejectReason.None;
            return true;
        }

        if (!TryParseTraceId(value[fields[0]], out var traceId, out reason)
            || !Hex.TryParseSpanId(value[fields[1]], out var spanId, out reason))
        {
            return false;
        }

        // Three fields whose third is a span id's 16 hex: "{trace}-{span}-{parent}" with no decision, as Brave
        // writes a context whose sampling is deferred. Otherwise the third field is the sampling state.
        var parentField = count == 4 ? 3 : count == 3 && fields[2].GetOffsetAndLength(value.Length).Length == SpanId.HexLength ? 2 : -1;
        var sampling = SamplingDecision.None;
        if (count >= 3 && parentField != 2 && !TryParseSingleSampling(value[fields[2]], out sampling))
        {
            return Fail(RejectReason.BadSampling, out reason);
        }

        var parentId = default(SpanId);
        if (parentField >= 0 && !TryParseParentId(value[fields[parentField]], out parentId, out reason))
        {
            return false;
        }

        context = new TraceContext(traceId, spanId, parentId, sampling, TraceFormat.B3Single);
        reason = RejectReason.None;
        return true;
    }

    /// <summary>
    /// The <c>x-b3-*</c> headers. Returns false with reason <see cref="RejectReason.None"/> when none of the five is present.
    /// </summary>
    public static bool TryParseMulti(in HeaderSet headers, out TraceContext context, out RejectReason reason)
    {
        context = default;
        ReadOnlySpan<KnownHeader> all =
        [
            KnownHeader.XB3TraceId, KnownHeader.XB3SpanId, KnownHeader.XB3ParentSpanId,
            KnownHeader.XB3Sampled, KnownHeader.XB3Flags,
        ];

        var anyPresent = false;
        var ignored = default(RejectReasonSet);
        foreach (var header in all)
        {
            if (!headers.TryGet(header, out var v))
            {
                continue;
            }

            anyPresent = true;
            if (headers.IsDuplicated(header))
            {
                // Every peer's getter takes the first line; refusing the whole context would split the trace.
                ignored = ignored.With(RejectReason.Repeated);
            }

            if (v.IsEmpty && header != KnownHeader.XB3Flags) // an empty x-b3-flags is "other than 1": ignored below
            {
                return Fail(RejectReason.Empty, out reason);
            }
        }

        if (!anyPresent)
        {
            reason = RejectReason.None;
            return false;
        }

        var hasTrace = headers.TryGet(KnownHeader.XB3TraceId, out var traceHex);
        var hasSpan = headers.TryGet(KnownHeader.XB3SpanId, out var spanHex);
        var hasParent = headers.TryGet(KnownHeader.XB3ParentSpanId, out var parentHex);
        if (hasTrace != hasSpan || (hasParent && !hasTrace))
        {
            return Fail(RejectReason.MissingField, out reason);
        }

        TraceId traceId = default;
        SpanId spanId = default, parentId = default;
        if (hasTrace
            && (!TryParseTraceId(traceHex, out traceId, out reason) || !Hex.TryParseSpanId(spanHex, out spanId, out reason)))
        {
            return false;
        }

        if (hasParent && !TryParseParentId(parentHex, out parentId, out reason))
        {
            return false;
        }

        var sampling = SamplingDecision.None;
        if (headers.TryGet(KnownHeader.XB3Sampled, out var sampled)
            && (sampling = ParseMultiSampled(sampled)) == SamplingDecision.None)
        {
            return Fail(RejectReason.BadSampling, out reason);
        }

        // Debug implies sampled, so it overrides x-b3-sampled; "0" is the spec's "not debug", a no-op. Any other
        // value is ignored (counted), as Brave and the OpenTelemetry propagators do: it is no reason to lose the ids.
        if (headers.TryGet(KnownHeader.XB3Flags, out var flags))
        {
            if (flags.SequenceEqual("1"u8))
            {
                sampling = SamplingDecision.Debug;
            }
            else if (!flags.SequenceEqual("0"u8))
            {
                ignored = ignored.With(RejectReason.FieldIgnored);
            }
        }

        context = new TraceContext(traceId, spanId, parentId, sampling, TraceFormat.B3Multi) { Ignored = ignored };
        reason = RejectReason.None;
        return true;
    }

    // Single-header sampling state: exactly one of "0", "1", "d" (no "true"/"false" here, unlike x-b3-sampled).
    private static bool TryParseSingleSampling(ReadOnlySpan<byte> field, out SamplingDecision sampling)
    {
        sampling = field.Length != 1 ? SamplingDecision.None : field[0] switch
        {
            (byte)'1' => SamplingDecision.Sampled,
            (byte)'0' => SamplingDecision.NotSampled,
            (byte)'d' => SamplingDecision.Debug,
            _ => SamplingDecision.None,
        };
        return sampling != SamplingDecision.None;
    }

    // The spec says to accept "true"/"false" too: older tracers sent them before "1"/"0" was settled. Brave and
    // the OpenTelemetry propagators compare them ignoring case.
    private static SamplingDecision ParseMultiSampled(ReadOnlySpan<byte> v) =>
        v.SequenceEqual("1"u8) || System.Text.Ascii.EqualsIgnoreCase(v, "true"u8) ? SamplingDecision.Sampled
        : v.SequenceEqual("0"u8) || System.Text.Ascii.EqualsIgnoreCase(v, "false"u8) ? SamplingDecision.NotSampled
        : SamplingDecision.None;

    // A parent span id: 16 lower-case hex, where all zeros means "no parent" (Brave and OpenTelemetry read it so).
    private static bool TryParseParentId(ReadOnlySpan<byte> hex, out SpanId parentId, out RejectReason reason)
    {
        if (hex.SequenceEqual("0000000000000000"u8))
        {
            parentId = default;
            reason = RejectReason.None;
            return true;
        }

        return Hex.TryParseSpanId(hex, out parentId, out reason);
    }

    // 16 hex (a 64-bit id, remembered so B3 output keeps its width) or 32 hex.
    private static bool TryParseTraceId(ReadOnlySpan<byte> hex, out TraceId traceId, out RejectReason reason)
    {
        traceId = default;
        ulong high = 0, low = 0;
        var wellFormed = hex.Length switch
        {
            16 => Hex.TryParseLowerUInt64(hex, out low),
            TraceId.HexLength => Hex.TryParseUInt128(hex, allowUpper: false, out high, out low),
            _ => false,
        };
        if (!wellFormed)
        {
            return Fail(hex.Length is 16 or TraceId.HexLength ? RejectReason.BadCharacter : RejectReason.BadLength, out reason);
        }

        if ((high | low) == 0)
        {
            return Fail(RejectReason.ZeroTraceId, out reason);
        }

        traceId = new TraceId(high, low, Is64Bit: hex.Length == 16);
        reason = RejectReason.None;
        return true;
    }

    private static bool Fail(RejectReason why, out RejectReason reason)
    {
        reason = why;
        return false;
    }
}
