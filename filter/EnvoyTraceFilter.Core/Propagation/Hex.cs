namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>Lower-case hex over ASCII bytes; no allocation.</summary>
public static class Hex
{
    private static ReadOnlySpan<byte> Digits => "0123456789abcdef"u8;

    public static void WriteUInt64(ulong value, Span<byte> destination)
    {
        for (var i = 15; i >= 0; i--)
        {
            destination[i] = Digits[(int)(value & 0xF)];
            value >>= 4;
        }
    }

    /// <summary>Parses exactly 16 lower-case hex digits (upper case rejected, as B3 and W3C require).</summary>
    public static bool TryParseLowerUInt64(ReadOnlySpan<byte> source, out ulong value) =>
        TryParseUInt64(source, allowUpper: false, out value);

    /// <summary>Parses exactly 32 hex digits as two 64-bit halves (the 128-bit trace ids of every format).</summary>
    public static bool TryParseUInt128(ReadOnlySpan<byte> source, bool allowUpper, out ulong high, out ulong low)
    {
        low = 0;
        if (source.Length != TraceId.HexLength || !TryParseUInt64(source[..16], allowUpper, out high))
        {
            high = 0;
            return false;
        }

        if (!TryParseUInt64(source[16..], allowUpper, out low))
        {
            high = 0;
            return false;
        }

        return true;
    }

    /// <summary>Parses 1..16 hex digits; <paramref name="allowUpper"/> for formats whose spec allows either case.</summary>
    public static bool TryParseUInt64(ReadOnlySpan<byte> source, bool allowUpper, out ulong value)
    {
        value = 0;
        if (source.IsEmpty || source.Length > 16)
        {
            return false;
        }

        foreach (var c in source)
        {
            int digit;
            if (c is >= (byte)'0' and <= (byte)'9')
            {
                digit = c - '0';
            }
            else if (c is >= (byte)'a' and <= (byte)'f')
            {
                digit = c - 'a' + 10;
            }
            else if (allowUpper && c is >= (byte)'A' and <= (byte)'F')
            {
                digit = c - 'A' + 10;
            }
            else
            {
                return false;
            }

            value = (value << 4) | (uint)digit;
        }

        return true;
    }

    /// <summary>
    /// A span id field as B3, W3C and X-Ray write it: exactly 16 lower-case hex digits, not all zero.
    /// Reasons: <see cref="RejectReason.BadLength"/>, <see cref="RejectReason.BadCharacter"/>, <see cref="RejectReason.ZeroSpanId"/>.
    /// </summary>
    internal static bool TryParseSpanId(ReadOnlySpan<byte> source, out SpanId spanId, out RejectReason reason)
    {
        spanId = default;
        ulong value = 0;
        reason = source.Length != SpanId.HexLength ? RejectReason.BadLength
            : !TryParseLowerUInt64(source, out value) ? RejectReason.BadCharacter
            : value == 0 ? RejectReason.ZeroSpanId
            : RejectReason.None;
        if (reason != RejectReason.None)
        {
            return false;
        }

        spanId = new SpanId(value);
        return true;
    }
}
