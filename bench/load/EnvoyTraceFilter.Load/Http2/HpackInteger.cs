namespace EnvoyTraceFilter.Load.Http2;

/// <summary>HPACK prefix integers (RFC 7541 §5.1).</summary>
internal static class HpackInteger
{
    public static void Write(List<byte> output, byte firstByteBits, int prefixBits, int value)
    {
        int max = (1 << prefixBits) - 1;
        if (value < max)
        {
            output.Add((byte)(firstByteBits | value));
            return;
        }

        output.Add((byte)(firstByteBits | max));
        value -= max;
        while (value >= 0x80)
        {
            output.Add((byte)((value & 0x7f) | 0x80));
            value >>= 7;
        }

        output.Add((byte)value);
    }

    /// <summary>Reads an integer whose prefix occupies the low <paramref name="prefixBits"/> of block[pos].</summary>
    public static int Read(ReadOnlySpan<byte> block, ref int pos, int prefixBits)
    {
        int max = (1 << prefixBits) - 1;
        int value = block[pos++] & max;
        if (value < max)
        {
            return value;
        }

        int shift = 0;
        while (true)
        {
            byte b = block[pos++];
            value += (b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }

            shift += 7;
            if (shift > 28)
            {
                throw new InvalidDataException("HPACK integer too large");
            }
        }
    }
}
