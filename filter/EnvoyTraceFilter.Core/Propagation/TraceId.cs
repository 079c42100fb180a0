namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>A 128-bit trace id. <see cref="Is64Bit"/> remembers a 16-hex B3 id so B3 output keeps its width.</summary>
public readonly record struct TraceId(ulong High, ulong Low, bool Is64Bit = false)
{
    public const int HexLength = 32;

    public bool IsValid => (High | Low) != 0;

    /// <summary>Writes 32 lower-case hex digits (a 64-bit id is left-padded with zeros, as the B3 spec says).</summary>
    public void Write32Hex(Span<byte> destination)
    {
        Hex.WriteUInt64(High, destination);
        Hex.WriteUInt64(Low, destination[16..]);
    }

    /// <summary>Writes the id at its original width: 16 hex digits for a 64-bit B3 id, else 32.</summary>
    public int WriteNativeHex(Span<byte> destination)
    {
        if (Is64Bit)
        {
            Hex.WriteUInt64(Low, destination);
            return 16;
        }

        Write32Hex(destination);
        return HexLength;
    }

    public override string ToString()
    {
        Span<byte> buffer = stackalloc byte[HexLength];
        var written = WriteNativeHex(buffer);
        return System.Text.Encoding.ASCII.GetString(buffer[..written]);
    }
}
