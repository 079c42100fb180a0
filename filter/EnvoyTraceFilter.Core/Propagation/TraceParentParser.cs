namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>W3C Trace Context <c>traceparent</c> (Level 1/2 §3.2): <c>version-traceid-parentid-flags</c>, lower-case hex.</summary>
public static class TraceParentParser
{
    /// <summary>Size cap: version 00 is 55 bytes; later versions may append fields, but not without bound.</summary>
    public const int MaxLength = 512;

    // Length of the four version-00 fields.
    private const int Version00Length = 55; // 2 version + 1 + 32 trace + 1 + 16 parent + 1 + 2 flags

    private const int TraceIdStart = 3; // after "vv-"
    private const int ParentIdStart = TraceIdStart + TraceId.HexLength + 1;
    private const int FlagsStart = ParentIdStart + SpanId.HexLength + 1;

    // §3.2.2.5: bit 0 of trace-flags is "sampled"; the other bits are not ours to interpret.
    private const byte SampledFlag = 0x01;

    // Level 2 §3.2.2.5.2: the trace id's right 7 bytes are random.
    private const byte RandomTraceIdFlag = 0x02;

    public static bool TryParse(ReadOnlySpan<byte> value, out TraceContext context, out RejectReason reason)
    {
        context = default;

        // The W3C test suite sends spaces and tabs around the value (optional whitespace of the HTTP field).
        value = value.Trim(" \t"u8);
        if (value.IsEmpty)
        {
            return Fail(RejectReason.Empty, out reason);
        }

        if (value.Length > MaxLength)
        {
            return Fail(RejectReason.TooLong, out reason);
        }

        if (value.Length < 2)
        {
            return Fail(RejectReason.BadLength, out reason);
        }

        if (!Hex.TryParseLowerUInt64(value[..2], out var version))
        {
            return Fail(RejectReason.BadCharacter, out reason);
        }

        // §3.2.2.1: version ff is forbidden.
        if (version == 0xff)
        {
            return Fail(RejectReason.BadVersion, out reason);
        }

        // §3.2.4: version 00 is exactly 55 bytes. A later version must start with the same four fields and may
        // append more, each after a '-'; we read only the four we know.
        if (version == 0 ? value.Length != Version00Length : value.Length < Version00Length)
        {
            return Fail(RejectReason.BadLength, out reason);
        }

        if (value.Length > Version00Length && value[Version00Length] != (byte)'-')
        {
            return Fail(RejectReason.BadDelimiter, out reason);
        }

        if (value[TraceIdStart - 1] != (byte)'-' || value[ParentIdStart - 1] != (byte)'-' || value[FlagsStart - 1] != (byte)'-')
        {
            return Fail(RejectReason.BadDelimiter, out reason);
        }

        if (!Hex.TryParseUInt128(value.Slice(TraceIdStart, TraceId.HexLength), allowUpper: false, out var high, out var low))
        {
            return Fail(RejectReason.BadCharacter, out reason);
        }

        // §3.2.2.3: all-zero trace-id is invalid.
        if ((high | low) == 0)
        {
            return Fail(RejectReason.ZeroTraceId, out reason);
        }

        if (!Hex.TryParseLowerUInt64(value.Slice(ParentIdStart, SpanId.HexLength), out var parent))
        {
            return Fail(RejectReason.BadCharacter, out reason);
        }

        // §3.2.2.4: all-zero parent-id is invalid.
        if (parent == 0)
        {
            return Fail(RejectReason.ZeroSpanId, out reason);
        }

        if (!Hex.TryParseLowerUInt64(value.Slice(FlagsStart, 2), out var flags))
        {
            return Fail(RejectReason.BadCharacter, out reason);
        }

        var sampling = (flags & SampledFlag) != 0 ? SamplingDecision.Sampled : SamplingDecision.NotSampled;
        context = new TraceContext(new TraceId(high, low), new SpanId(parent), default, sampling, TraceFormat.TraceParent)
        {
            RandomTraceId = (flags & RandomTraceIdFlag) != 0,
        };
        reason = RejectReason.None;
        return true;
    }

    private static bool Fail(RejectReason why, out RejectReason reason)
    {
        reason = why;
        return false;
    }
}
