using System.Net;
using EnvoyEmulator.Http2;
using EnvoyTraceFilter.Load.Measurement;

namespace EnvoyTraceFilter.Load;

/// <summary>
/// One HTTP/2 connection to the ext_proc server (the emulator's raw transport) carrying one Process stream per
/// simulated HTTP request, written the way Envoy's ext_proc client writes it:
///   HEADERS + DATA(request_headers) in one write → wait for the answer →
///   DATA(response_headers) → wait for the answer → DATA(END_STREAM) + RST_STREAM(CANCEL) (Envoy's close).
/// The transport calls the stream handlers on its reader and sends what they queued in one write after each read,
/// like an Envoy worker's event loop; a closed loop starts the next stream from there, so it joins that write.
/// </summary>
internal sealed class ExtProcConnection : IDisposable
{
    private readonly Http2Connection _connection;
    private readonly RequestProfile _profile;
    private readonly GrpcRequestHeaderBlock _headerBlock;
    private readonly MeasureWindow _window;
    private readonly CloseStyle _close;
    private readonly long _messageTimeoutTicks;
    private readonly Lock _meterGate = new();
    private bool _firstHeadersSent;
    private int _openStreams;
    private long _succeeded;
    private long _failed;
    private bool _disposed;

    public ExtProcConnection(IPEndPoint server, RequestProfile profile, GrpcRequestHeaderBlock headerBlock, MeasureWindow window,
        CloseStyle close, TimeSpan messageTimeout)
    {
        _profile = profile;
        _headerBlock = headerBlock;
        _window = window;
        _close = close;
        _messageTimeoutTicks = (long)(messageTimeout.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
        _connection = Http2Connection.ConnectAsync(server).WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
    }

    /// <summary>Meter of this connection; read it only after <see cref="Dispose"/>.</summary>
    public LoadMeter Meter { get; } = new();

    public int OpenStreams => Volatile.Read(ref _openStreams);

    /// <summary>Streams that ended well / badly since the connection opened, window or not (warm-up checks).</summary>
    public long Succeeded => Interlocked.Read(ref _succeeded);

    public long Failed => Interlocked.Read(ref _failed);

    public string? LastError { get; private set; }

    /// <summary>Opens one stream and sends request_headers. <paramref name="onDone"/> runs on the transport's reader.</summary>
    public bool Start(int sequence, long dueTimestamp, Action? onDone)
    {
        var state = new StreamState(this, sequence, dueTimestamp, onDone);
        // The first stream adds the call's headers to the server's HPACK table; later ones refer to them.
        var block = Volatile.Read(ref _firstHeadersSent) ? _headerBlock.Repeat : _headerBlock.First;
        Interlocked.Increment(ref _openStreams);
        if (!_connection.TryStartStream(block, _profile.RequestHeaders[sequence & (RequestProfile.Variants - 1)], endStream: false, state, out _))
        {
            Interlocked.Decrement(ref _openStreams);
            return false;
        }

        Volatile.Write(ref _firstHeadersSent, true);
        return true;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _connection.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
    }

    private void Complete(StreamState stream, long end)
    {
        Interlocked.Increment(ref _succeeded);
        Interlocked.Decrement(ref _openStreams);
        if (_window.Contains(stream.Due, end))
        {
            lock (_meterGate)
            {
                Meter.RequestPhase.Record(stream.T1 - stream.Due);
                Meter.ResponsePhase.Record(stream.T3 - stream.T2);
                Meter.Total.Record(end - stream.Due);
                Meter.PhasesOverMessageTimeout += (stream.T1 - stream.Due > _messageTimeoutTicks ? 1 : 0) + (stream.T3 - stream.T2 > _messageTimeoutTicks ? 1 : 0);
            }
        }

        stream.OnDone?.Invoke();
    }

    private void Fail(StreamState stream, string error)
    {
        Interlocked.Increment(ref _failed);
        Interlocked.Decrement(ref _openStreams);
        LastError = error;
        if (_window.IsOpen(MeasureWindow.Now))
        {
            lock (_meterGate)
            {
                Meter.Error(error);
            }
        }

        stream.OnDone?.Invoke();
    }

    /// <summary>One stream's state and event handler (the transport calls it on its reader, in wire order).</summary>
    private sealed class StreamState(ExtProcConnection owner, int sequence, long due, Action? onDone) : IHttp2StreamHandler
    {
        private readonly GrpcMessageReader _messages = new(64);
        private bool _finished;

        public int Sequence { get; } = sequence;

        public long Due { get; } = due;

        public Action? OnDone { get; } = onDone;

        public long T1 { get; private set; }

        public long T2 { get; private set; }

        public long T3 { get; private set; }

        public int Answers { get; private set; }

        public void OnHeaders(Http2Stream stream, List<KeyValuePair<string, string>> headers, bool trailers, bool endStream)
        {
            string? status = null, grpcStatus = null, grpcMessage = null;
            foreach (var (name, value) in headers)
            {
                switch (name)
                {
                    case ":status": status = value; break;
                    case "grpc-status": grpcStatus = value; break;
                    case "grpc-message": grpcMessage = value; break;
                }
            }

            if (status is not null and not "200")
            {
                Finish(stream, "http_status_" + status);
            }
            else if (grpcStatus is not null and not "0")
            {
                Finish(stream, $"grpc_status_{grpcStatus}" + (grpcMessage is null ? "" : ": " + Uri.UnescapeDataString(grpcMessage)));
            }
            else if (endStream && !_finished)
            {
                if (owner._close == CloseStyle.Graceful && Answers == 2)
                {
                    _finished = true;
                    owner.Complete(this, MeasureWindow.Now);
                }
                else
                {
                    Finish(stream, $"ended_after_{Answers}_answers");
                }
            }
        }

        public void OnData(Http2Stream stream, ReadOnlySpan<byte> data, bool endStream)
        {
            if (_finished)
            {
                return;
            }

            _messages.Append(data);
            try
            {
                while (!_finished && _messages.TryRead(out var message))
                {
                    OnAnswer(stream, message);
                }
            }
            catch (InvalidDataException)
            {
                Finish(stream, "compressed_answer");
            }

            if (endStream && !_finished)
            {
                Finish(stream, $"ended_after_{Answers}_answers");
            }
        }

        public void OnReset(Http2Stream stream, Http2ErrorCode code)
        {
            if (!_finished)
            {
                Fail(stream.CloseReason switch
                {
                    Http2StreamCloseReason.RefusedByGoAway => "refused_by_goaway",
                    Http2StreamCloseReason.ConnectionLost => "connection_lost",
                    _ => "rst_stream_" + code,
                });
            }
        }

        private void OnAnswer(Http2Stream stream, ReadOnlySpan<byte> message)
        {
            long now = MeasureWindow.Now;
            Answers++;
            // ProcessingResponse's arm is its first field: 1 = request_headers (tag 0x0a), 2 = response_headers (0x12).
            byte expected = Answers == 1 ? (byte)0x0a : (byte)0x12;
            if (Answers > 2 || message.IsEmpty || message[0] != expected)
            {
                Finish(stream, Answers > 2 ? "extra_answer"
                    : message.IsEmpty ? "empty_answer"
                    : message[0] == 0x3a ? "immediate_response" : $"unexpected_answer_field_0x{message[0]:x2}");
                return;
            }

            if (Answers == 1)
            {
                T1 = now;
                T2 = now;
                stream.SendData(owner._profile.ResponseHeaders[Sequence & (RequestProfile.Variants - 1)]);
                return;
            }

            T3 = now;
            if (owner._close == CloseStyle.Envoy)
            {
                // Envoy's close: half-close and reset in one write, without waiting for the server's trailers.
                stream.EndStreamAndReset(Http2ErrorCode.Cancel);
                _finished = true;
                owner.Complete(this, now);
            }
            else
            {
                stream.EndStream(); // half-close, then the trailers complete the request
            }
        }

        /// <summary>Ends a stream that went wrong the way Envoy would (half-close + reset) and counts the error.</summary>
        private void Finish(Http2Stream stream, string error)
        {
            if (_finished)
            {
                return;
            }

            stream.EndStreamAndReset(Http2ErrorCode.Cancel);
            Fail(error);
        }

        private void Fail(string error)
        {
            _finished = true;
            owner.Fail(this, error);
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
