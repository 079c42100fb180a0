namespace EnvoyTraceFilter.Load.Http2;

// Minimal HTTP/2 codec for the load generator (RFC 9113). Kept apart from the driver so it can be replaced
// by the emulator's raw transport once both agree on one frame/HPACK implementation.

/// <summary>Frame types this client writes or reacts to.</summary>
internal static class FrameType
{
    public const byte Data = 0x0;
    public const byte Headers = 0x1;
    public const byte RstStream = 0x3;
    public const byte Settings = 0x4;
    public const byte Ping = 0x6;
    public const byte GoAway = 0x7;
    public const byte WindowUpdate = 0x8;
    public const byte Continuation = 0x9;
}

internal static class FrameFlags
{
    public const byte EndStream = 0x1;
    public const byte Ack = 0x1;
    public const byte EndHeaders = 0x4;
    public const byte Padded = 0x8;
    public const byte Priority = 0x20;
}

internal static class SettingId
{
    public const ushort HeaderTableSize = 0x1;
    public const ushort EnablePush = 0x2;
    public const ushort MaxConcurrentStreams = 0x3;
    public const ushort InitialWindowSize = 0x4;
    public const ushort MaxFrameSize = 0x5;
}

/// <summary>RST_STREAM / GOAWAY error codes by name, for error reports.</summary>
internal static class Http2ErrorCode
{
    public const uint Cancel = 0x8;

    public static string Name(uint code) => code switch
    {
        0x0 => "NO_ERROR",
        0x1 => "PROTOCOL_ERROR",
        0x2 => "INTERNAL_ERROR",
        0x3 => "FLOW_CONTROL_ERROR",
        0x5 => "STREAM_CLOSED",
        0x6 => "FRAME_SIZE_ERROR",
        0x7 => "REFUSED_STREAM",
        0x8 => "CANCEL",
        0xb => "ENHANCE_YOUR_CALM",
        _ => "0x" + code.ToString("x", System.Globalization.CultureInfo.InvariantCulture),
    };
}
