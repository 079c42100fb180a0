namespace EnvoyEmulator.Http2;

/// <summary>The peer broke HTTP/2 or HPACK; the connection is closed with GOAWAY(<see cref="Code"/>).</summary>
public sealed class Http2ProtocolException(Http2ErrorCode code, string message) : Exception(message)
{
    public Http2ErrorCode Code { get; } = code;
}
