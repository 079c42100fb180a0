using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace EnvoyEmulator.Http2;

/// <summary>
/// A client HTTP/2 connection over cleartext TCP with prior knowledge (h2c, RFC 9113 §3.3). It writes exactly
/// the frames it is asked for, in the order asked: HEADERS and DATA of a new stream go out in one socket write,
/// END_STREAM and RST_STREAM only where the caller puts them. It answers SETTINGS and PING, keeps both flow-control
/// directions (our WINDOW_UPDATEs at half a window; DATA queued while the peer's window is short), honours the
/// peer's MAX_CONCURRENT_STREAMS, MAX_FRAME_SIZE and INITIAL_WINDOW_SIZE, decodes response headers and trailers
/// with a full HPACK decoder, and stops opening streams after GOAWAY.
/// <para>
/// One reader task parses frames and calls each stream's <see cref="IHttp2StreamHandler"/> inline; frames the
/// handlers send meanwhile are flushed with one write after that read (like an event loop). Sends from other
/// threads are written at once. A protocol error from the peer closes the connection with GOAWAY; handlers of
/// open streams then get <see cref="IHttp2StreamHandler.OnReset"/> with <see cref="Http2StreamCloseReason.ConnectionLost"/>.
/// </para>
/// </summary>
public sealed class Http2Connection : IAsyncDisposable
{
    private const int MaxStreamId = int.MaxValue;
    private const int ReceiveFrameLimit = Http2Frame.DefaultMaxFrameSize; // we never raise SETTINGS_MAX_FRAME_SIZE

    [ThreadStatic]
    private static Http2Connection? t_dispatching;

    private readonly Socket _socket;
    private readonly Http2ConnectionOptions _options;
    private readonly object _lock = new();
    private readonly object _sendLock = new();
    private readonly Dictionary<int, Http2Stream> _streams = [];
    private readonly List<Http2Stream> _blocked = [];
    private readonly HpackDecoder _decoder;
    private readonly List<KeyValuePair<string, string>> _decoded = [];
    private readonly Dictionary<long, TaskCompletionSource> _pings = [];
    private readonly TaskCompletionSource _remoteSettings = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Exception?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _readLoop = Task.CompletedTask;
    private byte[] _out = new byte[16 * 1024];
    private byte[] _spare = new byte[16 * 1024];
    private int _outLength;
    private int _nextStreamId = 1;
    private long _connectionSendWindow = Http2Frame.DefaultWindowSize;
    private int _peerInitialWindow = Http2Frame.DefaultWindowSize;
    private int _peerMaxFrameSize = Http2Frame.DefaultMaxFrameSize;
    private int _peerMaxConcurrentStreams = int.MaxValue;
    private long _connectionReceiveWindow = Http2Frame.DefaultWindowSize;
    private long _connectionReceivedUnacknowledged;
    private byte[] _headerBlock = new byte[1024];
    private int _headerBlockLength;
    private int _continuationStreamId;
    private bool _continuationEndStream;
    private long _nextPing;
    private long _pingsReceived;
    private bool _closed;
    private volatile bool _disposing;

    private Http2Connection(Socket socket, Http2ConnectionOptions options)
    {
        _socket = socket;
        _options = options;
        _decoder = new HpackDecoder(options.HeaderTableSize);
    }

    /// <summary>The peer's SETTINGS_MAX_CONCURRENT_STREAMS (unlimited until its SETTINGS arrive).</summary>
    public int PeerMaxConcurrentStreams
    {
        get { lock (_lock) { return _peerMaxConcurrentStreams; } }
    }

    /// <summary>Streams that count against the concurrency limit (not yet completed or reset).</summary>
    public int ActiveStreams
    {
        get { lock (_lock) { return _streams.Count; } }
    }

    /// <summary>How many more streams may be started now (our cap and the peer's, whichever is lower).</summary>
    public int AvailableStreams
    {
        get
        {
            lock (_lock)
            {
                return _closed || GoAwayReceived || _nextStreamId > MaxStreamId ? 0 : Math.Max(0, StreamLimit - _streams.Count);
            }
        }
    }

    /// <summary>True once the peer sent GOAWAY: no new stream will be started here.</summary>
    public bool GoAwayReceived { get; private set; }

    /// <summary>The error code of the peer's GOAWAY, if one arrived.</summary>
    public Http2ErrorCode? GoAwayCode { get; private set; }

    /// <summary>True once the connection is closed or failed; no frame will be sent or received.</summary>
    public bool IsClosed
    {
        get { lock (_lock) { return _closed; } }
    }

    /// <summary>Completes when the connection ends: null for a clean end, else what broke it.</summary>
    public Task<Exception?> Completion => _completion.Task;

    /// <summary>Counts of what the peer sent, for load reports.</summary>
    public long ResetsReceived { get; private set; }

    /// <summary>PINGs the peer sent (not ACKs of ours); each was acknowledged.</summary>
    public long PingsReceived
    {
        get { lock (_lock) { return _pingsReceived; } }
    }

    private int StreamLimit => Math.Min(_options.MaxConcurrentStreams, _peerMaxConcurrentStreams);

    /// <summary>
    /// Connects, sends the preface, our SETTINGS and a connection WINDOW_UPDATE, and waits for the server's
    /// SETTINGS (so its stream and window limits are known before the first stream).
    /// </summary>
    public static async Task<Http2Connection> ConnectAsync(
        EndPoint endPoint, Http2ConnectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new Http2Connection(socket, options ?? new Http2ConnectionOptions());
        connection.Start();
        try
        {
            await connection._remoteSettings.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connection;
    }

    /// <summary>
    /// Opens a stream: HEADERS (with CONTINUATION if the block exceeds the peer's frame size) and, when
    /// <paramref name="data"/> is not empty, DATA, in one write; END_STREAM on the last frame when
    /// <paramref name="endStream"/>. Returns false, sending nothing, when no stream may be opened now
    /// (concurrency limit, GOAWAY, closed).
    /// </summary>
    public bool TryStartStream(ReadOnlySpan<byte> headerBlock, ReadOnlySpan<byte> data, bool endStream,
        IHttp2StreamHandler handler, out Http2Stream? stream)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_lock)
        {
            stream = null;
            if (_closed || GoAwayReceived || _nextStreamId > MaxStreamId || _streams.Count >= StreamLimit)
            {
                return false;
            }

            stream = new Http2Stream(this, _nextStreamId, handler, _peerInitialWindow, _options.InitialStreamWindowSize);
            _nextStreamId += 2;
            _streams.Add(stream.Id, stream);
            AppendHeaders(stream.Id, headerBlock, endStream && data.IsEmpty);
            if (!data.IsEmpty)
            {
                WriteData(stream, data, endStream);
            }

            stream.LocalEnded = endStream;
        }

        FlushUnlessDispatching();
        return true;
    }

    /// <summary>Sends PING and completes when the peer's ACK arrives (every frame sent before it was read).</summary>
    public Task PingAsync()
    {
        var acked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            if (_closed)
            {
                throw new InvalidOperationException("The connection is closed.");
            }

            var payload = ++_nextPing;
            _pings.Add(payload, acked);
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(bytes, payload);
            AppendFrame(Http2FrameType.Ping, 0, 0, bytes);
        }

        FlushUnlessDispatching();
        return acked.Task;
    }

    /// <summary>Sends GOAWAY(NO_ERROR), closes the socket; open streams get OnReset (ConnectionLost).</summary>
    public async ValueTask DisposeAsync()
    {
        _disposing = true;
        lock (_lock)
        {
            if (!_closed)
            {
                AppendGoAway(0, Http2ErrorCode.NoError);
            }
        }

        Flush();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        _socket.Close();
        await _readLoop.ConfigureAwait(false);
        Terminate(null);
    }

    internal void SendData(Http2Stream stream, ReadOnlySpan<byte> data, bool endStream)
    {
        lock (_lock)
        {
            if (stream.CloseReason is not Http2StreamCloseReason.Open and not Http2StreamCloseReason.Completed)
            {
                return; // reset or lost: the bytes go nowhere, as on a reset socket stream
            }

            if (stream.LocalEnded)
            {
                throw new InvalidOperationException($"Stream {stream.Id} already sent END_STREAM.");
            }

            if (_closed)
            {
                return;
            }

            if (stream.HasPending)
            {
                stream.Enqueue(data, endStream);
            }
            else
            {
                WriteData(stream, data, endStream);
            }

            stream.LocalEnded = endStream;
            CompleteIfDone(stream);
        }

        FlushUnlessDispatching();
    }

    internal void Reset(Http2Stream stream, Http2ErrorCode code, bool endStreamFirst)
    {
        lock (_lock)
        {
            if (_closed || stream.ResetSent)
            {
                return;
            }

            if (endStreamFirst && !stream.LocalEnded && !stream.HasPending)
            {
                AppendFrame(Http2FrameType.Data, Http2Flags.EndStream, stream.Id, []);
            }

            stream.DropPending();
            _blocked.Remove(stream);
            Span<byte> payload = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)code);
            AppendFrame(Http2FrameType.RstStream, 0, stream.Id, payload);
            stream.ResetSent = true;
            stream.LocalEnded = true;
            if (stream.CloseReason == Http2StreamCloseReason.Open)
            {
                stream.CloseReason = Http2StreamCloseReason.ResetLocally;
                stream.ResetCode = code;
            }

            _streams.Remove(stream.Id);
        }

        FlushUnlessDispatching();
    }

    private void Start()
    {
        Span<byte> settings = stackalloc byte[18];
        var length = 0;
        WriteSetting(settings, ref length, Http2SettingId.EnablePush, 0);
        WriteSetting(settings, ref length, Http2SettingId.InitialWindowSize, (uint)_options.InitialStreamWindowSize);
        if (_options.HeaderTableSize != 4096)
        {
            WriteSetting(settings, ref length, Http2SettingId.HeaderTableSize, (uint)_options.HeaderTableSize);
        }

        lock (_lock)
        {
            Append(Http2Frame.Preface);
            AppendFrame(Http2FrameType.Settings, 0, 0, settings[..length]);
            if (_options.ConnectionWindowSize > Http2Frame.DefaultWindowSize)
            {
                AppendWindowUpdate(0, _options.ConnectionWindowSize - Http2Frame.DefaultWindowSize);
                _connectionReceiveWindow = _options.ConnectionWindowSize;
            }
        }

        Flush();
        _readLoop = Task.Run(ReadLoopAsync);
    }

    private static void WriteSetting(Span<byte> destination, ref int length, Http2SettingId id, uint value)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination[length..], (ushort)id);
        BinaryPrimitives.WriteUInt32BigEndian(destination[(length + 2)..], value);
        length += 6;
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        Exception? failure = null;
        try
        {
            while (true)
            {
                var read = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
                var consumed = 0;
                lock (_lock)
                {
                    t_dispatching = this;
                    try
                    {
                        while (filled - consumed >= Http2Frame.HeaderLength)
                        {
                            var (length, type, flags, streamId) = Http2Frame.ReadHeader(buffer.AsSpan(consumed));
                            if (length > ReceiveFrameLimit)
                            {
                                throw new Http2ProtocolException(Http2ErrorCode.FrameSizeError,
                                    $"Frame of {length} bytes exceeds our SETTINGS_MAX_FRAME_SIZE.");
                            }

                            if (filled - consumed < Http2Frame.HeaderLength + length)
                            {
                                break;
                            }

                            OnFrame(type, flags, streamId, buffer.AsSpan(consumed + Http2Frame.HeaderLength, length));
                            consumed += Http2Frame.HeaderLength + length;
                        }
                    }
                    finally
                    {
                        t_dispatching = null;
                    }
                }

                Flush();
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }
        }
        catch (Http2ProtocolException e)
        {
            failure = e;
            lock (_lock)
            {
                if (!_closed)
                {
                    AppendGoAway(0, e.Code); // last-stream-id 0: we accept no server-initiated streams
                }
            }

            Flush();
        }
        catch (Exception e)
        {
            // Socket errors, or a handler that threw: either way the connection is unusable.
            failure = _disposing ? null : e;
        }

        Terminate(failure);
    }

    private void Terminate(Exception? failure)
    {
        List<Http2Stream> lost;
        List<TaskCompletionSource> pings;
        lock (_lock)
        {
            _closed = true;
            lost = [.. _streams.Values];
            _streams.Clear();
            _blocked.Clear();
            pings = [.. _pings.Values];
            _pings.Clear();
            t_dispatching = this;
            try
            {
                foreach (var stream in lost)
                {
                    stream.RemoteEnded = stream.LocalEnded = true;
                    stream.CloseReason = Http2StreamCloseReason.ConnectionLost;
                    stream.ResetCode ??= Http2ErrorCode.ConnectError;
                    stream.DropPending();
                    stream.Handler.OnReset(stream, stream.ResetCode.Value);
                }
            }
            finally
            {
                t_dispatching = null;
            }
        }

        foreach (var ping in pings)
        {
            ping.TrySetException(new IOException("The HTTP/2 connection closed before the PING was acknowledged."));
        }

        _remoteSettings.TrySetException(failure ?? new IOException("The HTTP/2 connection closed before the server's SETTINGS."));
        _completion.TrySetResult(failure);
        try
        {
            _socket.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void OnFrame(Http2FrameType type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (_continuationStreamId != 0 && type != Http2FrameType.Continuation)
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"{type} frame inside a header block.");
        }

        switch (type)
        {
            case Http2FrameType.Data:
                OnData(flags, streamId, payload);
                break;
            case Http2FrameType.Headers:
                OnHeaders(flags, streamId, payload);
                break;
            case Http2FrameType.Continuation:
                OnContinuation(flags, streamId, payload);
                break;
            case Http2FrameType.RstStream:
                OnRstStream(streamId, payload);
                break;
            case Http2FrameType.Settings:
                OnSettings(flags, streamId, payload);
                break;
            case Http2FrameType.Ping:
                OnPing(flags, streamId, payload);
                break;
            case Http2FrameType.GoAway:
                OnGoAway(streamId, payload);
                break;
            case Http2FrameType.WindowUpdate:
                OnWindowUpdate(streamId, payload);
                break;
            case Http2FrameType.PushPromise:
                throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, "PUSH_PROMISE although SETTINGS_ENABLE_PUSH is 0.");
            default:
                break; // PRIORITY and unknown types are ignored (RFC 9113 §5.5).
        }
    }

    private void OnData(byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        RequireStream(streamId, "DATA");
        var flowLength = payload.Length; // padding counts against flow control
        _connectionReceivedUnacknowledged += flowLength;
        if (_connectionReceivedUnacknowledged > _connectionReceiveWindow)
        {
            throw new Http2ProtocolException(Http2ErrorCode.FlowControlError, "DATA beyond the connection window.");
        }

        if (_connectionReceivedUnacknowledged >= _connectionReceiveWindow / 2)
        {
            AppendWindowUpdate(0, (int)_connectionReceivedUnacknowledged);
            _connectionReceivedUnacknowledged = 0;
        }

        var data = Unpad(flags, payload);
        if (!_streams.TryGetValue(streamId, out var stream) || stream.RemoteEnded)
        {
            return; // a stream we reset or completed: the frame may have crossed our RST_STREAM
        }

        var endStream = (flags & Http2Flags.EndStream) != 0;
        stream.ReceivedUnacknowledged += flowLength;
        if (stream.ReceivedUnacknowledged > stream.ReceiveWindow)
        {
            Reset(stream, Http2ErrorCode.FlowControlError, endStreamFirst: false);
            return;
        }

        if (!endStream && stream.ReceivedUnacknowledged >= stream.ReceiveWindow / 2)
        {
            AppendWindowUpdate(stream.Id, stream.ReceivedUnacknowledged);
            stream.ReceivedUnacknowledged = 0;
        }

        if (endStream)
        {
            stream.RemoteEnded = true;
        }

        stream.Handler.OnData(stream, data, endStream);
        if (endStream)
        {
            CompleteIfDone(stream);
        }
    }

    private void OnHeaders(byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        RequireStream(streamId, "HEADERS");
        var block = Unpad(flags, payload);
        if ((flags & Http2Flags.Priority) != 0)
        {
            block = block.Length >= 5 ? block[5..]
                : throw new Http2ProtocolException(Http2ErrorCode.FrameSizeError, "HEADERS too short for its priority fields.");
        }

        var endStream = (flags & Http2Flags.EndStream) != 0;
        if ((flags & Http2Flags.EndHeaders) != 0)
        {
            OnHeaderBlock(streamId, block, endStream);
            return;
        }

        _continuationStreamId = streamId;
        _continuationEndStream = endStream;
        _headerBlockLength = 0;
        AppendHeaderFragment(block);
    }

    private void OnContinuation(byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (_continuationStreamId == 0 || streamId != _continuationStreamId)
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, "CONTINUATION without a preceding HEADERS.");
        }

        AppendHeaderFragment(payload);
        if ((flags & Http2Flags.EndHeaders) != 0)
        {
            _continuationStreamId = 0;
            OnHeaderBlock(streamId, _headerBlock.AsSpan(0, _headerBlockLength), _continuationEndStream);
        }
    }

    private void AppendHeaderFragment(ReadOnlySpan<byte> fragment)
    {
        if (_headerBlock.Length - _headerBlockLength < fragment.Length)
        {
            Array.Resize(ref _headerBlock, Math.Max(_headerBlock.Length * 2, _headerBlockLength + fragment.Length));
        }

        fragment.CopyTo(_headerBlock.AsSpan(_headerBlockLength));
        _headerBlockLength += fragment.Length;
    }

    private void OnHeaderBlock(int streamId, ReadOnlySpan<byte> block, bool endStream)
    {
        // Always decoded: the dynamic table must follow every block, also of streams we no longer track.
        _decoded.Clear();
        _decoder.Decode(block, _decoded);
        if (!_streams.TryGetValue(streamId, out var stream) || stream.RemoteEnded)
        {
            return;
        }

        var trailers = stream.HeadersReceived || endStream;
        stream.HeadersReceived = true;
        if (endStream)
        {
            stream.RemoteEnded = true;
        }

        stream.Handler.OnHeaders(stream, _decoded, trailers, endStream);
        if (endStream)
        {
            CompleteIfDone(stream);
        }
    }

    private void OnRstStream(int streamId, ReadOnlySpan<byte> payload)
    {
        RequireStream(streamId, "RST_STREAM");
        RequireLength(payload, 4, "RST_STREAM");
        ResetsReceived++;
        if (!_streams.Remove(streamId, out var stream))
        {
            return;
        }

        var code = (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(payload);
        stream.RemoteEnded = true;
        stream.CloseReason = Http2StreamCloseReason.ResetByPeer;
        stream.ResetCode = code;
        stream.DropPending();
        _blocked.Remove(stream);
        stream.Handler.OnReset(stream, code);
    }

    private void OnSettings(byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (streamId != 0)
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, "SETTINGS on a stream.");
        }

        if ((flags & Http2Flags.Ack) != 0)
        {
            return;
        }

        if (payload.Length % 6 != 0)
        {
            throw new Http2ProtocolException(Http2ErrorCode.FrameSizeError, "SETTINGS length is not a multiple of 6.");
        }

        for (var i = 0; i < payload.Length; i += 6)
        {
            var id = (Http2SettingId)BinaryPrimitives.ReadUInt16BigEndian(payload[i..]);
            var value = BinaryPrimitives.ReadUInt32BigEndian(payload[(i + 2)..]);
            switch (id)
            {
                case Http2SettingId.MaxConcurrentStreams:
                    _peerMaxConcurrentStreams = (int)Math.Min(value, int.MaxValue);
                    break;
                case Http2SettingId.InitialWindowSize:
                    if (value > Http2Frame.MaxWindowSize)
                    {
                        throw new Http2ProtocolException(Http2ErrorCode.FlowControlError, "SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1.");
                    }

                    // The change applies to every open stream's window (RFC 9113 §6.9.2).
                    var delta = (int)value - _peerInitialWindow;
                    _peerInitialWindow = (int)value;
                    foreach (var stream in _streams.Values)
                    {
                        stream.SendWindow += delta;
                    }

                    break;
                case Http2SettingId.MaxFrameSize:
                    if (value is < Http2Frame.DefaultMaxFrameSize or > 16_777_215)
                    {
                        throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"SETTINGS_MAX_FRAME_SIZE {value} out of range.");
                    }

                    _peerMaxFrameSize = (int)value;
                    break;
                default:
                    break; // header table size (our encoder has no dynamic table), push, list size, unknown
            }
        }

        AppendFrame(Http2FrameType.Settings, Http2Flags.Ack, 0, []);
        _remoteSettings.TrySetResult();
        ResumeBlocked();
    }

    private void OnPing(byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (streamId != 0)
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, "PING on a stream.");
        }

        RequireLength(payload, 8, "PING");
        if ((flags & Http2Flags.Ack) == 0)
        {
            _pingsReceived++;
            AppendFrame(Http2FrameType.Ping, Http2Flags.Ack, 0, payload);
        }
        else if (_pings.Remove(BinaryPrimitives.ReadInt64BigEndian(payload), out var acked))
        {
            acked.TrySetResult();
        }
    }

    private void OnGoAway(int streamId, ReadOnlySpan<byte> payload)
    {
        if (streamId != 0 || payload.Length < 8)
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, "Malformed GOAWAY.");
        }

        var lastStreamId = (int)(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fff_ffff);
        GoAwayReceived = true;
        GoAwayCode = (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(payload[4..]);
        foreach (var stream in _streams.Values.Where(s => s.Id > lastStreamId).ToList())
        {
            // Never processed by the server: safe to retry elsewhere.
            _streams.Remove(stream.Id);
            _blocked.Remove(stream);
            stream.DropPending();
            stream.RemoteEnded = stream.LocalEnded = true;
            stream.CloseReason = Http2StreamCloseReason.RefusedByGoAway;
            stream.ResetCode = Http2ErrorCode.RefusedStream;
            stream.Handler.OnReset(stream, Http2ErrorCode.RefusedStream);
        }
    }

    private void OnWindowUpdate(int streamId, ReadOnlySpan<byte> payload)
    {
        RequireLength(payload, 4, "WINDOW_UPDATE");
        var increment = (int)(BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fff_ffff);
        if (streamId == 0)
        {
            if (increment == 0 || _connectionSendWindow + increment > Http2Frame.MaxWindowSize)
            {
                throw new Http2ProtocolException(increment == 0 ? Http2ErrorCode.ProtocolError : Http2ErrorCode.FlowControlError,
                    "Invalid connection WINDOW_UPDATE.");
            }

            _connectionSendWindow += increment;
            ResumeBlocked();
            return;
        }

        if (!_streams.TryGetValue(streamId, out var stream))
        {
            return;
        }

        if (increment == 0 || stream.SendWindow + increment > Http2Frame.MaxWindowSize)
        {
            Reset(stream, increment == 0 ? Http2ErrorCode.ProtocolError : Http2ErrorCode.FlowControlError, endStreamFirst: false);
            return;
        }

        stream.SendWindow += increment;
        if (stream.HasPending)
        {
            SendPending(stream);
        }
    }

    private static void RequireStream(int streamId, string frame)
    {
        if (streamId == 0)
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, $"{frame} on stream 0.");
        }
    }

    private static void RequireLength(ReadOnlySpan<byte> payload, int length, string frame)
    {
        if (payload.Length != length)
        {
            throw new Http2ProtocolException(Http2ErrorCode.FrameSizeError, $"{frame} payload of {payload.Length} bytes.");
        }
    }

    private static ReadOnlySpan<byte> Unpad(byte flags, ReadOnlySpan<byte> payload)
    {
        if ((flags & Http2Flags.Padded) == 0)
        {
            return payload;
        }

        if (payload.IsEmpty || payload[0] >= payload.Length)
        {
            throw new Http2ProtocolException(Http2ErrorCode.ProtocolError, "Padding longer than the frame.");
        }

        return payload[1..(payload.Length - payload[0])];
    }

    /// <summary>Removes a stream whose both sides ended and whose DATA all went out.</summary>
    private void CompleteIfDone(Http2Stream stream)
    {
        if (stream.LocalEnded && stream.RemoteEnded && !stream.HasPending && stream.CloseReason == Http2StreamCloseReason.Open)
        {
            stream.CloseReason = Http2StreamCloseReason.Completed;
            _streams.Remove(stream.Id);
        }
    }

    /// <summary>Writes DATA frames while both windows allow; queues the rest. Caller holds the lock; no DATA pending.</summary>
    private void WriteData(Http2Stream stream, ReadOnlySpan<byte> data, bool endStream)
    {
        while (true)
        {
            var allowed = (int)Math.Min(Math.Min(stream.SendWindow, _connectionSendWindow), _peerMaxFrameSize);
            if (data.Length <= allowed)
            {
                AppendData(stream, data, endStream);
                return;
            }

            if (allowed <= 0)
            {
                stream.Enqueue(data, endStream);
                if (!_blocked.Contains(stream))
                {
                    _blocked.Add(stream);
                }

                return;
            }

            AppendData(stream, data[..allowed], endStream: false);
            data = data[allowed..];
        }
    }

    private void AppendData(Http2Stream stream, ReadOnlySpan<byte> data, bool endStream)
    {
        stream.SendWindow -= data.Length;
        _connectionSendWindow -= data.Length;
        AppendFrame(Http2FrameType.Data, endStream ? Http2Flags.EndStream : (byte)0, stream.Id, data);
    }

    private void SendPending(Http2Stream stream)
    {
        while (stream.TryPeekPending(out var remaining, out var endStream))
        {
            var allowed = (int)Math.Min(Math.Min(stream.SendWindow, _connectionSendWindow), _peerMaxFrameSize);
            if (allowed <= 0 && !remaining.IsEmpty)
            {
                return;
            }

            var chunk = Math.Min(allowed, remaining.Length);
            AppendData(stream, remaining[..chunk], endStream && chunk == remaining.Length);
            stream.AdvancePending(chunk);
        }

        _blocked.Remove(stream);
        CompleteIfDone(stream);
    }

    private void ResumeBlocked()
    {
        foreach (var stream in _blocked.ToList())
        {
            if (_connectionSendWindow <= 0)
            {
                return;
            }

            SendPending(stream);
        }
    }

    private void AppendHeaders(int streamId, ReadOnlySpan<byte> block, bool endStream)
    {
        var endStreamFlag = endStream ? Http2Flags.EndStream : (byte)0;
        if (block.Length <= _peerMaxFrameSize)
        {
            AppendFrame(Http2FrameType.Headers, (byte)(Http2Flags.EndHeaders | endStreamFlag), streamId, block);
            return;
        }

        AppendFrame(Http2FrameType.Headers, endStreamFlag, streamId, block[.._peerMaxFrameSize]);
        block = block[_peerMaxFrameSize..];
        while (block.Length > _peerMaxFrameSize)
        {
            AppendFrame(Http2FrameType.Continuation, 0, streamId, block[.._peerMaxFrameSize]);
            block = block[_peerMaxFrameSize..];
        }

        AppendFrame(Http2FrameType.Continuation, Http2Flags.EndHeaders, streamId, block);
    }

    private void AppendWindowUpdate(int streamId, int increment)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)increment);
        AppendFrame(Http2FrameType.WindowUpdate, 0, streamId, payload);
    }

    private void AppendGoAway(int lastStreamId, Http2ErrorCode code)
    {
        Span<byte> payload = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)lastStreamId);
        BinaryPrimitives.WriteUInt32BigEndian(payload[4..], (uint)code);
        AppendFrame(Http2FrameType.GoAway, 0, 0, payload);
    }

    private void AppendFrame(Http2FrameType type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        EnsureOut(Http2Frame.HeaderLength + payload.Length);
        Http2Frame.WriteHeader(_out.AsSpan(_outLength), payload.Length, type, flags, streamId);
        payload.CopyTo(_out.AsSpan(_outLength + Http2Frame.HeaderLength));
        _outLength += Http2Frame.HeaderLength + payload.Length;
    }

    private void Append(ReadOnlySpan<byte> raw)
    {
        EnsureOut(raw.Length);
        raw.CopyTo(_out.AsSpan(_outLength));
        _outLength += raw.Length;
    }

    private void EnsureOut(int extra)
    {
        if (_out.Length - _outLength < extra)
        {
            Array.Resize(ref _out, Math.Max(_out.Length * 2, _outLength + extra));
        }
    }

    private void FlushUnlessDispatching()
    {
        if (t_dispatching != this)
        {
            Flush();
        }
    }

    /// <summary>Sends everything appended so far with one write; one flusher at a time keeps frame order.</summary>
    private void Flush()
    {
        lock (_sendLock)
        {
            byte[] buffer;
            int length;
            lock (_lock)
            {
                if (_outLength == 0)
                {
                    return;
                }

                (buffer, length) = (_out, _outLength);
                (_out, _spare, _outLength) = (_spare, buffer, 0);
            }

            try
            {
                var sent = 0;
                while (sent < length)
                {
                    sent += _socket.Send(buffer, sent, length - sent, SocketFlags.None);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // The reader sees the broken connection and ends every stream.
            }
        }
    }
}
