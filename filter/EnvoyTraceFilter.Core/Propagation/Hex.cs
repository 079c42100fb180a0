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
}
