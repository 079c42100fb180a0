namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>A 64-bit span id; zero means "absent" in every format we read.</summary>
public readonly record struct SpanId(ulong Value)
{
    public const int HexLength = 16;

    public bool IsValid => Value != 0;

    public void WriteHex(Span<byte> destination) => Hex.WriteUInt64(Value, destination);

    public override string ToString()
    {
        Span<byte> buffer = stackalloc byte[HexLength];
        WriteHex(buffer);
        return System.Text.Encoding.ASCII.GetString(buffer);
    }
}
