namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>
/// Google <c>X-Cloud-Trace-Context</c> (Cloud Trace docs, "trace context"): <c>TRACE_ID/SPAN_ID;o=OPTIONS</c>, e.g.
/// <c>4bf92f3577b34da6a3ce929d0e0e4736/17725314949316355921;o=1</c>. The span id is DECIMAL, unlike every other
/// format; <c>;o=</c> is optional (Google's load balancer often omits it).
/// </summary>
public static class CloudTraceContextParser
{
    /// <summary>Size cap with room to spare.</summary>
    public const int MaxLength = 128; // longest valid: 32 trace + 1 + 20 span + 3 ";o=" + MaxFlagsDigits = 66

    // ulong.MaxValue, 18446744073709551615, has 20 digits.
    private const int MaxSpanDigits = 20;

    // The docs only define 0 and 1; a few more digits tolerate future bits without reading unbounded numbers.
    private const int MaxFlagsDigits = 10;

    private static ReadOnlySpan<byte> OptionsPrefix => ";o="u8;

    public static bool TryParse(ReadOnlySpan<byte> value, out TraceContext context, out RejectReason reason)
    {
        context = default;
        if (value.IsEmpty)
        {
            return Fail(RejectReason.Empty, out reason);
        }

        if (value.Length > MaxLength)
        {
            return Fail(RejectReason.TooLong, out reason);
        }

        // The trace id runs to the '/' (or to a ';' or the end when the span id is missing).
        var traceEnd = value.IndexOfAny((byte)'/', (byte)';');
        var traceHex = traceEnd < 0 ? value : value[..traceEnd];
        if (traceHex.Length != TraceId.HexLength)
        {
            return Fail(RejectReason.BadLength, out reason);
        }

        // Lower case only: every Google client library reads [0-9a-f]{32}. Lower-casing an upper-case id for the
        // app would hand its own Google tracer a header it never got, and split the trace.
        if (!Hex.TryParseUInt128(traceHex, allowUpper: false, out var high, out var low))
        {
            return Fail(RejectReason.BadCharacter, out reason);
        }

        if ((high | low) == 0)
        {
            return Fail(RejectReason.ZeroTraceId, out reason);
        }

        if (traceEnd < 0 || value[traceEnd] != (byte)'/')
        {
            return Fail(RejectReason.MissingField, out reason);
        }

        var rest = value[(traceEnd + 1)..];
        var spanEnd = rest.IndexOf((byte)';');
        var spanDigits = spanEnd < 0 ? rest : rest[..spanEnd];
        if (!TryParseSpanId(spanDigits, out var spanId, out reason))
        {
            return false;
        }

        var sampling = SamplingDecision.None;
        if (spanEnd >= 0)
        {
            var options = rest[spanEnd..];
            if (!options.StartsWith(OptionsPrefix))
            {
                return Fail(RejectReason.BadDelimiter, out reason);
            }

            var flags = options[OptionsPrefix.Length..];
            if (flags.IsEmpty || flags.Length > MaxFlagsDigits || flags.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
            {
                return Fail(RejectReason.BadSampling, out reason);
            }

            // Bit 0 is "sampled"; a decimal number is odd exactly when its last digit is.
            sampling = ((flags[^1] - '0') & 1) != 0 ? SamplingDecision.Sampled : SamplingDecision.NotSampled;
        }

        context = new TraceContext(new TraceId(high, low), spanId, default, sampling, TraceFormat.CloudTrace);
        reason = RejectReason.None;
        return true;
    }

    // Decimal 1..2^64-1: ASCII digits only, no sign or spaces.
    private static bool TryParseSpanId(ReadOnlySpan<byte> digits, out SpanId spanId, out RejectReason reason)
    {
        spanId = default;
        if (digits.IsEmpty)
        {
            return Fail(RejectReason.MissingField, out reason);
        }

        if (digits.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            return Fail(RejectReason.BadCharacter, out reason);
        }

        if (digits.Length > MaxSpanDigits)
        {
            return Fail(RejectReason.OutOfRange, out reason);
        }

        ulong value = 0;
        foreach (var c in digits)
        {
            var digit = (uint)(c - '0');
            if (value > (ulong.MaxValue - digit) / 10)
            {
                return Fail(RejectReason.OutOfRange, out reason);
            }

            value = (value * 10) + digit;
        }

        if (value == 0)
        {
            return Fail(RejectReason.ZeroSpanId, out reason);
        }

        spanId = new SpanId(value);
        reason = RejectReason.None;
        return true;
    }

    private static bool Fail(RejectReason why, out RejectReason reason)
    {
        reason = why;
        return false;
    }
}
