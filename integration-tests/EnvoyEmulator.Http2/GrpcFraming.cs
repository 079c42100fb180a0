using System.Buffers.Binary;

namespace EnvoyEmulator.Http2;

/// <summary>gRPC's length-prefixed message framing: 1 byte compressed flag (always 0 here), 4 bytes big-endian length.</summary>
public static class GrpcFraming
{
    public const int PrefixLength = 5;

    /// <summary>A new array holding the prefix and <paramref name="message"/>.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> message)
    {
        var framed = new byte[PrefixLength + message.Length];
        WritePrefix(framed, message.Length);
        message.CopyTo(framed.AsSpan(PrefixLength));
        return framed;
    }

    public static void WritePrefix(Span<byte> destination, int messageLength)
    {
        destination[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)messageLength);
    }
}

/// <summary>
/// Reassembles length-prefixed gRPC messages from DATA payloads, which may split or join messages anywhere.
/// A returned message stays valid until the next <see cref="Append"/>.
/// </summary>
public sealed class GrpcMessageReader
{
    private byte[] _buffer;
    private int _start;
    private int _end;

    public GrpcMessageReader(int initialCapacity = 256) => _buffer = new byte[initialCapacity];

    /// <summary>Bytes received that do not yet form a whole message.</summary>
    public int Buffered => _end - _start;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }

        if (_buffer.Length - _end < data.Length)
        {
            var needed = _end - _start + data.Length;
            if (needed <= _buffer.Length)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            }
            else
            {
                var bigger = new byte[Math.Max(needed, _buffer.Length * 2)];
                _buffer.AsSpan(_start, _end - _start).CopyTo(bigger);
                _buffer = bigger;
            }

            _end -= _start;
            _start = 0;
        }

        data.CopyTo(_buffer.AsSpan(_end));
        _end += data.Length;
    }

    /// <summary>The next whole message, if one is buffered.</summary>
    /// <exception cref="InvalidDataException">A compressed message (no compression is negotiated).</exception>
    public bool TryRead(out ReadOnlySpan<byte> message)
    {
        message = default;
        var available = _end - _start;
        if (available < GrpcFraming.PrefixLength)
        {
            return false;
        }

        if (_buffer[_start] != 0)
        {
            throw new InvalidDataException($"gRPC message with compressed flag {_buffer[_start]}; no compression was negotiated.");
        }

        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(_start + 1));
        if (length < 0 || available - GrpcFraming.PrefixLength < length)
        {
            return false;
        }

        message = _buffer.AsSpan(_start + GrpcFraming.PrefixLength, length);
        _start += GrpcFraming.PrefixLength + length;
        return true;
    }
}
