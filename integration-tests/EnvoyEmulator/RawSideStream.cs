using Envoy.Service.ExtProc.V3;
using EnvoyEmulator.Http2;
using Google.Protobuf;
using Grpc.Core;

namespace EnvoyEmulator;

/// <summary>
/// The ext_proc call on the raw HTTP/2 transport, frame for frame as Envoy 1.36 writes it: HEADERS and the first
/// message in one write; later messages as DATA without END_STREAM; Envoy's close = END_STREAM + RST_STREAM(NO_ERROR)
/// in one write; when the server ends the call first (trailers while our side is open), the router resets our side at
/// once with RST_STREAM(NO_ERROR) — also after Kestrel's own RST — and no END_STREAM follows (doc §1b "Stream lifecycle").
/// </summary>
internal sealed class RawSideStream : SideStream
{
    private readonly ExtProcCluster? _cluster;
    private readonly GrpcStreamCall _call;
    private bool _started;
    private int _released;

    public RawSideStream(ExtProcCluster cluster)
    {
        _cluster = cluster;
        // Answers and the end go to the inbox on the connection's reader, in wire order, before the router's
        // reaction is flushed: whoever sees that reaction can rely on the emulator knowing why.
        _call = new GrpcStreamCall(OnServerEnd, OnEvent);
    }

    private RawSideStream(Status openFailure)
    {
        _call = new GrpcStreamCall();
        OpenFailure = openFailure;
        SetRemote(openFailure);
    }

    /// <summary>The HTTP/2 stream once started (for tests and diagnostics).</summary>
    public Http2Stream? Stream => _call.Stream;

    /// <summary>A stream the cluster refused (circuit breaker): Envoy's gRPC client fails it inline with 503 ⇒ UNAVAILABLE.</summary>
    public static RawSideStream Overflowed() => new(new Status(StatusCode.Unavailable,
        "upstream connect error or disconnect/reset before headers. reset reason: overflow"));

    public override async Task SendAsync(ProcessingRequest message)
    {
        var bytes = message.ToByteArray();
        if (!_started)
        {
            _started = true;
            if (await _cluster!.StartAsync(_call, bytes).ConfigureAwait(false) is { } reason)
            {
                Release();
                SetRemote(new Status(StatusCode.Unavailable,
                    $"upstream connect error or disconnect/reset before headers. reset reason: {reason}"));
            }

            return;
        }

        if (_call.Stream is { } stream && !ClosedByEnvoy)
        {
            stream.SendGrpcMessage(bytes); // silently dropped if the server already reset the stream
        }
    }

    protected override async Task CloseCoreAsync(CloseStyle style)
    {
        if (_call.Stream is not { } stream)
        {
            Release(); // never started (overflow or connect failure)
            return;
        }

        if (_call.End is null)
        {
            if (style == CloseStyle.Graceful)
            {
                stream.EndStream();
                await Task.WhenAny(_call.Events.Completion, Task.Delay(GracefulCloseTimeout)).ConfigureAwait(false);
                if (_call.End is null)
                {
                    stream.Reset(Http2ErrorCode.NoError);
                }
            }
            else
            {
                stream.EndStreamAndReset(Http2ErrorCode.NoError);
            }
        }

        // Otherwise the server ended first: the router already reset our side; ext_proc's close() sends nothing.
        SetRemote(new Status(StatusCode.Cancelled, "closed by Envoy")); // completes the inbox only
        Release();
    }

    /// <summary>On the connection's reader, right after the server's end: Envoy's router reaction, same event loop turn.</summary>
    private void OnServerEnd(GrpcStreamCall call, GrpcCallEnd end)
    {
        if (end.Kind == GrpcCallEndKind.Trailers && call.Stream is { LocalEnded: false } stream)
        {
            // onUpstreamComplete: the response finished before the request did ⇒ reset the upstream request.
            stream.Reset(Http2ErrorCode.NoError);
        }

        Release(); // the upstream request is over either way
    }

    private void OnEvent(GrpcStreamCall call, GrpcCallEvent e)
    {
        if (e.Message is not { } bytes)
        {
            SetRemote(ToStatus(e.End!));
            return;
        }

        try
        {
            Deliver(ProcessingResponse.Parser.ParseFrom(bytes));
        }
        catch (InvalidProtocolBufferException ex)
        {
            // Envoy's gRPC client fails the stream on an unparsable message.
            SetRemote(new Status(StatusCode.Internal, "Failed to parse the message: " + ex.Message));
            call.Stream?.Reset(Http2ErrorCode.NoError);
        }
    }

    /// <summary>
    /// The status Envoy's gRPC client reports: trailers as sent; a reset before response headers becomes the
    /// router's local reply (503 ⇒ UNAVAILABLE with its reset reason); a reset after them is INTERNAL.
    /// </summary>
    private Status ToStatus(GrpcCallEnd end)
    {
        if (end.Kind == GrpcCallEndKind.Trailers)
        {
            return new Status((StatusCode)end.Status, end.Message);
        }

        if (_call.ResponseHeaders is not null)
        {
            return new Status(StatusCode.Internal, "");
        }

        var reason = _call.Stream?.CloseReason switch
        {
            Http2StreamCloseReason.RefusedByGoAway => "remote refused stream reset",
            Http2StreamCloseReason.ConnectionLost => "connection termination",
            _ when end.ResetCode == Http2ErrorCode.RefusedStream => "remote refused stream reset",
            _ => "remote reset",
        };
        return new Status(StatusCode.Unavailable, $"upstream connect error or disconnect/reset before headers. reset reason: {reason}");
    }

    /// <summary>Frees the circuit-breaker slot once (when Envoy's upstream request ends).</summary>
    private void Release()
    {
        if (_cluster is not null && Interlocked.Exchange(ref _released, 1) == 0)
        {
            _cluster.Release();
        }
    }
}
