using System.Text;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>
/// The few protobuf wire-format primitives an ext_proc answer needs (length-delimited fields with one-byte tags).
/// Hand-written because the answer is written straight from the header edits, without the Google.Protobuf object
/// graph (three objects per header); <see cref="ExtProcAnswer.ToMessage"/> is the reference it is tested against.
/// </summary>
internal ref struct ProtoWire(Span<byte> destination)
{
    private readonly Span<byte> _destination = destination;
    private int _position;

    public readonly int Position => _position;

    /// <summary>Bytes of a length-delimited field whose content is <paramref name="length"/> bytes (tag below 16).</summary>
    public static int FieldSize(int length) => 1 + VarintSize((uint)length) + length;

    public static int StringFieldSize(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        return FieldSize(length);
    }

    public static int VarintSize(uint value) => value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;

    /// <summary>Tag and length of a length-delimited field; its content follows.</summary>
    public void FieldHeader(int fieldNumber, int length)
    {
        _destination[_position++] = (byte)((fieldNumber << 3) | 2);
        var value = (uint)length;
        while (value >= 0x80)
        {
            _destination[_position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _destination[_position++] = (byte)value;
    }

    public void Bytes(int fieldNumber, ReadOnlySpan<byte> value)
    {
        FieldHeader(fieldNumber, value.Length);
        value.CopyTo(_destination[_position..]);
        _position += value.Length;
    }

    public void String(int fieldNumber, string value)
    {
        FieldHeader(fieldNumber, Encoding.UTF8.GetByteCount(value));
        _position += Encoding.UTF8.GetBytes(value, _destination[_position..]);
    }
}
