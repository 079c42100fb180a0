using System.Buffers.Binary;

namespace EnvoyTraceFilter.Load.Http2;

/// <summary>
/// A growable byte buffer that frames are appended to and then written to the socket in one send, the way an
/// event loop coalesces everything it produced while handling one read.
/// </summary>
internal sealed class FrameBuffer
{
    private byte[] _bytes = new byte[1 << 16];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    public byte[] Array => _bytes;

    public void Clear() => Length = 0;

    public void AppendRaw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        Length += bytes.Length;
    }

    public void AppendFrame(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        var target = Reserve(9 + payload.Length);
        WriteHeader(target, payload.Length, type, flags, streamId);
        payload.CopyTo(target[9..]);
        Length += 9 + payload.Length;
    }

    public void AppendWindowUpdate(int streamId, int increment)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)increment & 0x7fffffff);
        AppendFrame(FrameType.WindowUpdate, 0, streamId, payload);
    }

    public void AppendRstStream(int streamId, uint errorCode)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, errorCode);
        AppendFrame(FrameType.RstStream, 0, streamId, payload);
    }

    public static void WriteHeader(Span<byte> target, int length, byte type, byte flags, int streamId)
    {
        target[0] = (byte)(length >> 16);
        target[1] = (byte)(length >> 8);
        target[2] = (byte)length;
        target[3] = type;
        target[4] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(target[5..], (uint)streamId & 0x7fffffff);
    }

    private Span<byte> Reserve(int count)
    {
        if (Length + count > _bytes.Length)
        {
            System.Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + count));
        }

        return _bytes.AsSpan(Length, count);
    }
}
