using System.Buffers;

namespace EnvoyEmulator.Http2;

/// <summary>Why a stream is no longer open.</summary>
public enum Http2StreamCloseReason
{
    /// <summary>Still open on at least one side.</summary>
    Open,

    /// <summary>Both sides sent END_STREAM.</summary>
    Completed,

    /// <summary>We sent RST_STREAM.</summary>
    ResetLocally,

    /// <summary>The peer sent RST_STREAM (<see cref="Http2Stream.ResetCode"/>).</summary>
    ResetByPeer,

    /// <summary>The peer's GOAWAY named a lower last-stream-id: the stream was never processed.</summary>
    RefusedByGoAway,

    /// <summary>The connection ended or failed first.</summary>
    ConnectionLost,
}

/// <summary>
/// One client-initiated stream. Every send goes out in the order called; DATA waits for flow-control window when
/// needed (END_STREAM stays on the last frame). Thread-safe: all sends take the connection's lock.
/// </summary>
public sealed class Http2Stream
{
    private readonly Http2Connection _connection;
    private readonly Queue<PendingData> _pending = new();
    private int _headOffset;

    internal Http2Stream(Http2Connection connection, int id, IHttp2StreamHandler handler, long sendWindow, int receiveWindow)
    {
        _connection = connection;
        Id = id;
        Handler = handler;
        SendWindow = sendWindow;
        ReceiveWindow = receiveWindow;
    }

    public int Id { get; }

    public Http2Connection Connection => _connection;

    public IHttp2StreamHandler Handler { get; }

    /// <summary>A slot for the caller's per-stream state, so handlers need no closures.</summary>
    public object? UserState { get; set; }

    /// <summary>We sent END_STREAM (or reset the stream).</summary>
    public bool LocalEnded { get; internal set; }

    /// <summary>The peer sent END_STREAM (or the stream was reset or lost).</summary>
    public bool RemoteEnded { get; internal set; }

    /// <summary>Response headers were received (so later headers are trailers).</summary>
    public bool HeadersReceived { get; internal set; }

    /// <summary>We sent RST_STREAM on this stream (at most once).</summary>
    public bool ResetSent { get; internal set; }

    public Http2StreamCloseReason CloseReason { get; internal set; }

    /// <summary>The RST_STREAM / GOAWAY code that ended the stream, if one did.</summary>
    public Http2ErrorCode? ResetCode { get; internal set; }

    /// <summary>Bytes of DATA queued behind flow control.</summary>
    public int PendingBytes { get; private set; }

    internal long SendWindow { get; set; }

    internal int ReceiveWindow { get; set; }

    internal int ReceivedUnacknowledged { get; set; }

    internal bool HasPending => _pending.Count > 0;

    /// <summary>Sends DATA (split by SETTINGS_MAX_FRAME_SIZE, queued while flow control forbids).</summary>
    /// <exception cref="InvalidOperationException">END_STREAM was already sent or the stream was reset.</exception>
    public void SendData(ReadOnlySpan<byte> data, bool endStream = false) => _connection.SendData(this, data, endStream);

    /// <summary>Sends one gRPC message (prefix + <paramref name="message"/>) as DATA.</summary>
    public void SendGrpcMessage(ReadOnlySpan<byte> message, bool endStream = false)
    {
        var framed = ArrayPool<byte>.Shared.Rent(GrpcFraming.PrefixLength + message.Length);
        try
        {
            GrpcFraming.WritePrefix(framed, message.Length);
            message.CopyTo(framed.AsSpan(GrpcFraming.PrefixLength));
            SendData(framed.AsSpan(0, GrpcFraming.PrefixLength + message.Length), endStream);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(framed);
        }
    }

    /// <summary>Half-close: an empty DATA frame with END_STREAM (after any queued DATA).</summary>
    public void EndStream() => SendData([], endStream: true);

    /// <summary>
    /// Sends RST_STREAM(<paramref name="code"/>) unless one was already sent, even if the peer already ended or
    /// reset the stream (as oghttp2 does). Queued DATA is dropped.
    /// </summary>
    public void Reset(Http2ErrorCode code) => _connection.Reset(this, code, endStreamFirst: false);

    /// <summary>
    /// Envoy's close(): END_STREAM (an empty DATA frame, unless already sent) immediately followed by
    /// RST_STREAM(<paramref name="code"/>), in one write. Envoy's HTTP/2 codec resets with NO_ERROR (it uses
    /// REFUSED_STREAM only to refuse), hence the default.
    /// </summary>
    public void EndStreamAndReset(Http2ErrorCode code = Http2ErrorCode.NoError) => _connection.Reset(this, code, endStreamFirst: true);

    internal void Enqueue(ReadOnlySpan<byte> data, bool endStream)
    {
        _pending.Enqueue(new PendingData(data.ToArray(), endStream));
        PendingBytes += data.Length;
    }

    /// <summary>The unsent part of the oldest queued DATA.</summary>
    internal bool TryPeekPending(out ReadOnlySpan<byte> remaining, out bool endStream)
    {
        if (!_pending.TryPeek(out var head))
        {
            remaining = default;
            endStream = false;
            return false;
        }

        remaining = head.Buffer.AsSpan(_headOffset);
        endStream = head.EndStream;
        return true;
    }

    /// <summary>Marks <paramref name="bytes"/> of the oldest queued DATA as sent.</summary>
    internal void AdvancePending(int bytes)
    {
        PendingBytes -= bytes;
        _headOffset += bytes;
        if (_headOffset == _pending.Peek().Buffer.Length)
        {
            _pending.Dequeue();
            _headOffset = 0;
        }
    }

    internal void DropPending()
    {
        _pending.Clear();
        _headOffset = 0;
        PendingBytes = 0;
    }

    private readonly record struct PendingData(byte[] Buffer, bool EndStream);
}
