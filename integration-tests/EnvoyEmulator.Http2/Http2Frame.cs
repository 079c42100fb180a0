using System.Buffers.Binary;

namespace EnvoyEmulator.Http2;

/// <summary>Frame types (RFC 9113 §6).</summary>
internal enum Http2FrameType : byte
{
    Data = 0x0,
    Headers = 0x1,
    Priority = 0x2,
    RstStream = 0x3,
    Settings = 0x4,
    PushPromise = 0x5,
    Ping = 0x6,
    GoAway = 0x7,
    WindowUpdate = 0x8,
    Continuation = 0x9,
}

/// <summary>Frame flags (RFC 9113 §6); the same bit means different things per type.</summary>
internal static class Http2Flags
{
    public const byte EndStream = 0x1;
    public const byte Ack = 0x1;
    public const byte EndHeaders = 0x4;
    public const byte Padded = 0x8;
    public const byte Priority = 0x20;
}

/// <summary>SETTINGS identifiers (RFC 9113 §6.5.2).</summary>
internal enum Http2SettingId : ushort
{
    HeaderTableSize = 0x1,
    EnablePush = 0x2,
    MaxConcurrentStreams = 0x3,
    InitialWindowSize = 0x4,
    MaxFrameSize = 0x5,
    MaxHeaderListSize = 0x6,
}

/// <summary>The 9-byte frame header.</summary>
internal static class Http2Frame
{
    public const int HeaderLength = 9;
    public const int DefaultMaxFrameSize = 16_384;
    public const int DefaultWindowSize = 65_535;
    public const int MaxWindowSize = int.MaxValue;

    public static ReadOnlySpan<byte> Preface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    public static void WriteHeader(Span<byte> destination, int length, Http2FrameType type, byte flags, int streamId)
    {
        destination[0] = (byte)(length >> 16);
        destination[1] = (byte)(length >> 8);
        destination[2] = (byte)length;
        destination[3] = (byte)type;
        destination[4] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(destination[5..], (uint)streamId & 0x7fff_ffff);
    }

    public static (int Length, Http2FrameType Type, byte Flags, int StreamId) ReadHeader(ReadOnlySpan<byte> source) =>
        ((source[0] << 16) | (source[1] << 8) | source[2], (Http2FrameType)source[3], source[4],
            (int)(BinaryPrimitives.ReadUInt32BigEndian(source[5..]) & 0x7fff_ffff));
}
