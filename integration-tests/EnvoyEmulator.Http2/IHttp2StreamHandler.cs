namespace EnvoyEmulator.Http2;

/// <summary>
/// Receives one stream's events. Called on the connection's reader, one event at a time and in wire order,
/// with the connection's lock held: handlers must not block, but may send on any stream of the connection
/// (what they send is flushed with one socket write after the current read, as an event loop would).
/// </summary>
public interface IHttp2StreamHandler
{
    /// <summary>
    /// A complete header block: response headers (first) or trailers (<paramref name="trailers"/> true, after
    /// headers or as a trailers-only response). The list is reused after the call returns.
    /// </summary>
    void OnHeaders(Http2Stream stream, List<KeyValuePair<string, string>> headers, bool trailers, bool endStream);

    /// <summary>One DATA frame's payload (padding removed); valid only during the call.</summary>
    void OnData(Http2Stream stream, ReadOnlySpan<byte> data, bool endStream);

    /// <summary>
    /// The stream ended abnormally: peer RST_STREAM, refused by GOAWAY, or connection lost. See
    /// <see cref="Http2Stream.CloseReason"/>. Not called for our own resets.
    /// </summary>
    void OnReset(Http2Stream stream, Http2ErrorCode code);
}
