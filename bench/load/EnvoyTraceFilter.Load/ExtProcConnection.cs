using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using EnvoyTraceFilter.Load.Http2;
using EnvoyTraceFilter.Load.Measurement;

namespace EnvoyTraceFilter.Load;

/// <summary>
/// One HTTP/2 connection to the ext_proc server carrying one Process stream per simulated HTTP request, written
/// the way Envoy's ext_proc client writes it:
///   HEADERS + DATA(request_headers) in one write → wait for the answer →
///   DATA(response_headers) → wait for the answer → DATA(END_STREAM) + RST_STREAM(CANCEL) (Envoy's close).
/// One thread per connection reads, runs the per-stream state machine inline and sends everything it produced
/// for one read in one write, like an Envoy worker's event loop. Only what it needs of HTTP/2 is implemented:
/// connection-level send flow control (messages are far below any stream window), SETTINGS/PING acks,
/// HPACK decoding of the server's headers and trailers (for :status and grpc-status).
/// </summary>
internal sealed class ExtProcConnection : IDisposable
{
    private const int ReceiveWindow = 1 << 30;

    private readonly Socket _socket;
    private readonly RequestProfile _profile;
    private readonly GrpcRequestHeaderBlock _headerBlock;
    private readonly MeasureWindow _window;
    private readonly CloseStyle _close;
    private readonly long _messageTimeoutTicks;
    private readonly Lock _gate = new();
    private readonly FrameBuffer _out = new();
    private readonly Dictionary<int, StreamState> _streams = [];
    private readonly Stack<StreamState> _free = new();
    private readonly Queue<byte[]> _blockedData = new();
    private readonly HpackDecoder _decoder = new();
    private readonly Thread _reader;
    private readonly byte[] _headerAccumulator = new byte[1 << 16];
    private int _headerAccumulated;
    private int _headerStreamId;
    private byte _headerFlags;
    private long _sendWindow = 65535;
    private long _receivedSinceUpdate;
    private int _nextStreamId = 1;
    private bool _firstHeadersSent;
    private bool _inReadLoop;
    private volatile bool _closed;
    private bool _disposed;

    public ExtProcConnection(IPEndPoint server, RequestProfile profile, GrpcRequestHeaderBlock headerBlock, MeasureWindow window,
        CloseStyle close, TimeSpan messageTimeout)
    {
        _profile = profile;
        _headerBlock = headerBlock;
        _window = window;
        _close = close;
        _messageTimeoutTicks = (long)(messageTimeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        _socket = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        _socket.Connect(server);

        // Preface, our SETTINGS (no push, big stream windows) and a connection window large enough never to stall.
        Span<byte> settings = stackalloc byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(settings, SettingId.EnablePush);
        BinaryPrimitives.WriteUInt32BigEndian(settings[2..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(settings[6..], SettingId.InitialWindowSize);
        BinaryPrimitives.WriteUInt32BigEndian(settings[8..], 16 << 20);
        lock (_gate)
        {
            _out.AppendRaw("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8);
            _out.AppendFrame(FrameType.Settings, 0, 0, settings);
            _out.AppendWindowUpdate(0, ReceiveWindow - 65535);
            Flush();
        }

        _reader = new Thread(ReadLoop) { IsBackground = true, Name = "h2-conn" };
        _reader.Start();
    }

    /// <summary>Meter of this connection; read it only after <see cref="Dispose"/>.</summary>
    public LoadMeter Meter { get; } = new();

    public int OpenStreams { get; private set; }

    /// <summary>Streams that ended well / badly since the connection opened, window or not (warm-up checks).</summary>
    public long Succeeded { get; private set; }

    public long Failed { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>Opens one stream and sends request_headers. <paramref name="onDone"/> runs on the reader thread.</summary>
    public bool Start(int sequence, long dueTimestamp, Action? onDone)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }

            var stream = _free.Count > 0 ? _free.Pop() : new StreamState();
            stream.Reset(_nextStreamId, sequence, dueTimestamp, onDone);
            _nextStreamId += 2;
            _streams.Add(stream.Id, stream);
            OpenStreams++;
            _out.AppendFrame(FrameType.Headers, FrameFlags.EndHeaders, stream.Id, _firstHeadersSent ? _headerBlock.Repeat : _headerBlock.First);
            _firstHeadersSent = true;
            SendData(stream.Id, 0, _profile.RequestHeaders[sequence & (RequestProfile.Variants - 1)]);
            if (!_inReadLoop)
            {
                Flush();
            }

            return true;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _closed = true;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }

        _socket.Close();
        _reader.Join(TimeSpan.FromSeconds(5));
    }

    private void ReadLoop()
    {
        var buffer = new byte[1 << 17];
        int filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                int received = _socket.Receive(buffer, filled, buffer.Length - filled, SocketFlags.None);
                if (received <= 0)
                {
                    break;
                }

                filled += received;
                int pos = 0;
                lock (_gate)
                {
                    _inReadLoop = true;
                    while (filled - pos >= 9)
                    {
                        int length = (buffer[pos] << 16) | (buffer[pos + 1] << 8) | buffer[pos + 2];
                        if (filled - pos < 9 + length)
                        {
                            break;
                        }

                        int streamId = (int)(BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(pos + 5)) & 0x7fffffff);
                        OnFrame(buffer[pos + 3], buffer[pos + 4], streamId, buffer.AsSpan(pos + 9, length));
                        pos += 9 + length;
                    }

                    _inReadLoop = false;
                    Flush();
                }

                Buffer.BlockCopy(buffer, pos, buffer, 0, filled - pos);
                filled -= pos;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidDataException)
        {
            if (e is InvalidDataException)
            {
                lock (_gate)
                {
                    Meter.Error("protocol: " + e.Message);
                }
            }
        }

        lock (_gate)
        {
            _closed = true;
            if (_streams.Count > 0 && _window.IsOpen(MeasureWindow.Now))
            {
                Meter.Errors["connection_closed_with_open_streams"] = Meter.Errors.GetValueOrDefault("connection_closed_with_open_streams") + _streams.Count;
            }

            OpenStreams -= _streams.Count;
            _streams.Clear();
        }
    }

    private void OnFrame(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        switch (type)
        {
            case FrameType.Data:
                OnData(flags, streamId, payload);
                break;
            case FrameType.Headers:
            case FrameType.Continuation:
                OnHeaders(type, flags, streamId, payload);
                break;
            case FrameType.RstStream:
                if (_streams.TryGetValue(streamId, out var reset))
                {
                    Finish(reset, "rst_stream_" + Http2ErrorCode.Name(BinaryPrimitives.ReadUInt32BigEndian(payload)));
                }

                break;
            case FrameType.Settings:
                if ((flags & FrameFlags.Ack) == 0)
                {
                    _out.AppendFrame(FrameType.Settings, FrameFlags.Ack, 0, []);
                }

                break;
            case FrameType.Ping:
                if ((flags & FrameFlags.Ack) == 0)
                {
                    _out.AppendFrame(FrameType.Ping, FrameFlags.Ack, 0, payload);
                }

                break;
            case FrameType.WindowUpdate:
                if (streamId == 0)
                {
                    _sendWindow += BinaryPrimitives.ReadUInt32BigEndian(payload) & 0x7fffffff;
                    while (_blockedData.Count > 0 && _sendWindow >= _blockedData.Peek().Length - 9)
                    {
                        var frame = _blockedData.Dequeue();
                        _sendWindow -= frame.Length - 9;
                        _out.AppendRaw(frame);
                    }
                }

                break;
            case FrameType.GoAway:
                Meter.Error("goaway_" + Http2ErrorCode.Name(BinaryPrimitives.ReadUInt32BigEndian(payload[4..])));
                break;
        }
    }

    private void OnData(byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        _receivedSinceUpdate += payload.Length;
        if (_receivedSinceUpdate > ReceiveWindow / 2)
        {
            _out.AppendWindowUpdate(0, (int)_receivedSinceUpdate);
            _receivedSinceUpdate = 0;
        }

        if ((flags & FrameFlags.Padded) != 0)
        {
            payload = payload[1..^payload[0]];
        }

        if (!_streams.TryGetValue(streamId, out var stream))
        {
            return;
        }

        stream.Append(payload);
        while (stream.TryTakeMessage(out byte compressed, out int length, out byte firstByte))
        {
            OnAnswer(stream, compressed, length, firstByte);
            if (stream.Id != streamId)
            {
                return; // finished by the answer (the state object may already carry the next stream)
            }
        }

        if ((flags & FrameFlags.EndStream) != 0)
        {
            Finish(stream, $"ended_after_{stream.Answers}_answers");
        }
    }

    private void OnHeaders(byte type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        if (type == FrameType.Headers)
        {
            if ((flags & FrameFlags.Padded) != 0)
            {
                payload = payload[1..^payload[0]];
            }

            if ((flags & FrameFlags.Priority) != 0)
            {
                payload = payload[5..];
            }

            _headerStreamId = streamId;
            _headerFlags = flags;
            _headerAccumulated = 0;
        }

        payload.CopyTo(_headerAccumulator.AsSpan(_headerAccumulated));
        _headerAccumulated += payload.Length;
        if ((flags & FrameFlags.EndHeaders) == 0)
        {
            return;
        }

        // Every block must be decoded, or the dynamic table drifts from the server's.
        string? status = null, grpcStatus = null, grpcMessage = null;
        _decoder.Decode(_headerAccumulator.AsSpan(0, _headerAccumulated), (name, value) =>
        {
            switch (name)
            {
                case ":status": status = value; break;
                case "grpc-status": grpcStatus = value; break;
                case "grpc-message": grpcMessage = value; break;
            }
        });

        if (status is not null and not "200")
        {
            Meter.Error("http_status_" + status);
        }

        if (grpcStatus is not null and not "0")
        {
            Meter.Error($"grpc_status_{grpcStatus}" + (grpcMessage is null ? "" : ": " + Uri.UnescapeDataString(grpcMessage)));
        }

        if ((_headerFlags & FrameFlags.EndStream) != 0 && _streams.TryGetValue(_headerStreamId, out var stream))
        {
            if (_close == CloseStyle.Graceful && stream.Answers == 2 && grpcStatus == "0")
            {
                Complete(stream, MeasureWindow.Now);
            }
            else
            {
                Finish(stream, $"ended_after_{stream.Answers}_answers");
            }
        }
    }

    private void OnAnswer(StreamState stream, byte compressed, int length, byte firstByte)
    {
        long now = MeasureWindow.Now;
        stream.Answers++;
        // ProcessingResponse's arm is its first field: 1 = request_headers (tag 0x0a), 2 = response_headers (0x12).
        byte expected = stream.Answers == 1 ? (byte)0x0a : (byte)0x12;
        if (compressed != 0 || length == 0 || firstByte != expected)
        {
            string kind = stream.Answers > 2 ? "extra_answer"
                : compressed != 0 ? "compressed_answer"
                : length == 0 ? "empty_answer"
                : firstByte == 0x3a ? "immediate_response" : $"unexpected_answer_field_0x{firstByte:x2}";
            CloseLikeEnvoy(stream);
            Finish(stream, kind);
            return;
        }

        if (stream.Answers == 1)
        {
            stream.T1 = now;
            stream.T2 = now;
            SendData(stream.Id, 0, _profile.ResponseHeaders[stream.Sequence & (RequestProfile.Variants - 1)]);
            return;
        }

        stream.T3 = now;
        if (_close == CloseStyle.Envoy)
        {
            CloseLikeEnvoy(stream);
            Complete(stream, now);
        }
        else
        {
            SendData(stream.Id, FrameFlags.EndStream, []); // half-close, then wait for the trailers
        }
    }

    /// <summary>Envoy's ext_proc close: half-close and, in the same write, reset the stream.</summary>
    private void CloseLikeEnvoy(StreamState stream)
    {
        SendData(stream.Id, FrameFlags.EndStream, []);
        _out.AppendRstStream(stream.Id, Http2ErrorCode.Cancel);
    }

    private void Complete(StreamState stream, long end)
    {
        Succeeded++;
        if (_window.Contains(stream.Due, end))
        {
            Meter.RequestPhase.Record(stream.T1 - stream.Due);
            Meter.ResponsePhase.Record(stream.T3 - stream.T2);
            Meter.Total.Record(end - stream.Due);
            if (stream.T1 - stream.Due > _messageTimeoutTicks)
            {
                Meter.PhasesOverMessageTimeout++;
            }

            if (stream.T3 - stream.T2 > _messageTimeoutTicks)
            {
                Meter.PhasesOverMessageTimeout++;
            }
        }

        Release(stream);
    }

    private void Finish(StreamState stream, string error)
    {
        Failed++;
        LastError = error;
        if (_window.IsOpen(MeasureWindow.Now))
        {
            Meter.Error(error);
        }

        Release(stream);
    }

    private void Release(StreamState stream)
    {
        _streams.Remove(stream.Id);
        OpenStreams--;
        var onDone = stream.OnDone;
        stream.Reset(0, 0, 0, null);
        _free.Push(stream);
        onDone?.Invoke();
    }

    private void SendData(int streamId, byte flags, byte[] payload)
    {
        if (_blockedData.Count == 0 && _sendWindow >= payload.Length)
        {
            _sendWindow -= payload.Length;
            _out.AppendFrame(FrameType.Data, flags, streamId, payload);
            return;
        }

        var frame = new byte[9 + payload.Length];
        FrameBuffer.WriteHeader(frame, payload.Length, FrameType.Data, flags, streamId);
        payload.CopyTo(frame, 9);
        _blockedData.Enqueue(frame);
    }

    private void Flush()
    {
        if (_out.Length == 0 || _closed)
        {
            _out.Clear();
            return;
        }

        try
        {
            int sent = 0;
            while (sent < _out.Length)
            {
                sent += _socket.Send(_out.Array, sent, _out.Length - sent, SocketFlags.None);
            }
        }
        catch (SocketException e)
        {
            Meter.Error("send_failed: " + e.SocketErrorCode);
            _closed = true;
        }

        _out.Clear();
    }

    /// <summary>Per-stream state; recycled (Id 0 = free).</summary>
    private sealed class StreamState
    {
        private byte[] _buffer = new byte[256];
        private int _buffered;

        public int Id { get; private set; }

        public int Sequence { get; private set; }

        public long Due { get; private set; }

        public long T1 { get; set; }

        public long T2 { get; set; }

        public long T3 { get; set; }

        public int Answers { get; set; }

        public Action? OnDone { get; private set; }

        public void Reset(int id, int sequence, long due, Action? onDone)
        {
            Id = id;
            Sequence = sequence;
            Due = due;
            OnDone = onDone;
            Answers = 0;
            _buffered = 0;
        }

        public void Append(ReadOnlySpan<byte> data)
        {
            if (_buffered + data.Length > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _buffered + data.Length));
            }

            data.CopyTo(_buffer.AsSpan(_buffered));
            _buffered += data.Length;
        }

        /// <summary>Takes one complete gRPC message (5-byte prefix + body) off the front of the buffer.</summary>
        public bool TryTakeMessage(out byte compressed, out int length, out byte firstByte)
        {
            compressed = 0;
            length = 0;
            firstByte = 0;
            if (_buffered < 5)
            {
                return false;
            }

            length = (int)BinaryPrimitives.ReadUInt32BigEndian(_buffer.AsSpan(1));
            if (_buffered < 5 + length)
            {
                return false;
            }

            compressed = _buffer[0];
            firstByte = length > 0 ? _buffer[5] : (byte)0;
            Buffer.BlockCopy(_buffer, 5 + length, _buffer, 0, _buffered - 5 - length);
            _buffered -= 5 + length;
            return true;
        }
    }
}

/// <summary>How a stream ends after the response_headers answer.</summary>
internal enum CloseStyle
{
    /// <summary>Envoy's close: DATA(END_STREAM) + RST_STREAM(CANCEL) at once, without waiting for trailers.</summary>
    Envoy,

    /// <summary>Half-close, then wait for the server's trailers (grpc-status 0) before counting the request done.</summary>
    Graceful,
}
