using System.Threading.Channels;

namespace EnvoyEmulator.Http2;

/// <summary>What ended a gRPC call, as seen on the wire.</summary>
public enum GrpcCallEndKind
{
    /// <summary>Trailers (or a trailers-only response) arrived: <see cref="GrpcCallEnd.Status"/> is the grpc-status.</summary>
    Trailers,

    /// <summary>RST_STREAM from the server before any trailers.</summary>
    Reset,

    /// <summary>GOAWAY refused the stream, or the connection ended first.</summary>
    ConnectionLost,
}

/// <summary>The end of a gRPC call: grpc-status and grpc-message from trailers, or the HTTP/2 reason.</summary>
public sealed record GrpcCallEnd(GrpcCallEndKind Kind, int Status, string Message, Http2ErrorCode? ResetCode = null)
{
    // Codes of grpc-status (the gRPC spec's status codes) that this type produces itself.
    private const int Unknown = 2;
    private const int Internal = 13;
    private const int Unavailable = 14;
    private const int Unimplemented = 12;
    private const int Unauthenticated = 16;
    private const int PermissionDenied = 7;

    /// <summary>The gRPC status for a response whose HTTP :status is not 200 (gRPC's HTTP-to-gRPC mapping).</summary>
    public static int FromHttpStatus(int httpStatus) => httpStatus switch
    {
        400 => Internal,
        401 => Unauthenticated,
        403 => PermissionDenied,
        404 => Unimplemented,
        429 or 502 or 503 or 504 => Unavailable,
        _ => Unknown,
    };

    internal static GrpcCallEnd FromTrailers(IReadOnlyList<KeyValuePair<string, string>> fields, bool includesHeaders)
    {
        string? status = null, message = null, httpStatus = null;
        foreach (var (name, value) in fields)
        {
            switch (name)
            {
                case "grpc-status":
                    status = value;
                    break;
                case "grpc-message":
                    message = Uri.UnescapeDataString(value); // percent-encoded on the wire
                    break;
                case ":status":
                    httpStatus = value;
                    break;
            }
        }

        if (includesHeaders && httpStatus is not null && httpStatus != "200" && int.TryParse(httpStatus, out var http))
        {
            return new GrpcCallEnd(GrpcCallEndKind.Trailers, FromHttpStatus(http), message ?? $"HTTP status {http}");
        }

        return int.TryParse(status, out var code)
            ? new GrpcCallEnd(GrpcCallEndKind.Trailers, code, message ?? "")
            : new GrpcCallEnd(GrpcCallEndKind.Trailers, Unknown, "No grpc-status in trailers.");
    }

    internal static GrpcCallEnd FromReset(Http2Stream stream, Http2ErrorCode code) =>
        stream.CloseReason is Http2StreamCloseReason.ResetByPeer
            ? new GrpcCallEnd(GrpcCallEndKind.Reset, Internal, $"Stream reset by the server with {code}.", code)
            : new GrpcCallEnd(GrpcCallEndKind.ConnectionLost, Unavailable, $"Connection lost ({stream.CloseReason}).", code);
}

/// <summary>
/// A client gRPC call on one <see cref="Http2Stream"/> with an async reading side: whole messages and the call's
/// end arrive in order on <see cref="Events"/>. Sending is the stream's own API (frames exactly where asked).
/// Allocates one array per received message; for allocation-free load use your own <see cref="IHttp2StreamHandler"/>.
/// </summary>
public sealed class GrpcStreamCall : IHttp2StreamHandler
{
    private readonly Channel<GrpcCallEvent> _events =
        Channel.CreateUnbounded<GrpcCallEvent>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly GrpcMessageReader _reader = new();
    private readonly TaskCompletionSource<Http2ErrorCode> _peerReset = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="onServerEnd">
    /// Called on the connection's reader right after the call's end is seen (before the next frame is read), so
    /// the reaction goes out in the same write, as in Envoy's event loop; e.g. Envoy's router resetting its side.
    /// </param>
    public GrpcStreamCall(Action<GrpcStreamCall, GrpcCallEnd>? onServerEnd = null) => OnServerEnd = onServerEnd;

    public Action<GrpcStreamCall, GrpcCallEnd>? OnServerEnd { get; }

    /// <summary>The stream, once started.</summary>
    public Http2Stream? Stream { get; private set; }

    /// <summary>Response headers (copy), once received.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? ResponseHeaders { get; private set; }

    /// <summary>How the call ended, once it did.</summary>
    public GrpcCallEnd? End { get; private set; }

    /// <summary>Messages, then exactly one end event; the reader completes after the end.</summary>
    public ChannelReader<GrpcCallEvent> Events => _events.Reader;

    /// <summary>Completes with the code of an RST_STREAM the server sent (also after its trailers, as Kestrel does).</summary>
    public Task<Http2ErrorCode> PeerReset => _peerReset.Task;

    /// <summary>
    /// Starts the call: HEADERS and, if <paramref name="firstMessage"/> is given, its DATA in one write. False when the
    /// connection cannot take a stream now.
    /// </summary>
    public bool TryStart(Http2Connection connection, ReadOnlySpan<byte> headerBlock, ReadOnlySpan<byte> firstMessage = default,
        bool hasFirstMessage = false)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (Stream is not null)
        {
            throw new InvalidOperationException("The call was already started.");
        }

        byte[]? framed = hasFirstMessage ? GrpcFraming.Frame(firstMessage) : null;
        if (!connection.TryStartStream(headerBlock, framed, endStream: false, this, out var stream))
        {
            return false;
        }

        Stream = stream;
        return true;
    }

    void IHttp2StreamHandler.OnHeaders(Http2Stream stream, List<KeyValuePair<string, string>> headers, bool trailers, bool endStream)
    {
        if (!trailers)
        {
            ResponseHeaders = headers.ToArray();
            var status = headers.Find(h => h.Key == ":status").Value;
            if (status is not null && status != "200")
            {
                // A non-200 response is not gRPC: the call fails now (gRPC HTTP-to-status mapping).
                Finish(GrpcCallEnd.FromTrailers(headers, includesHeaders: true));
            }

            return;
        }

        Finish(GrpcCallEnd.FromTrailers(headers, includesHeaders: ResponseHeaders is null)); // trailers-only: also the headers
    }

    void IHttp2StreamHandler.OnData(Http2Stream stream, ReadOnlySpan<byte> data, bool endStream)
    {
        if (End is not null)
        {
            return;
        }

        _reader.Append(data);
        try
        {
            while (_reader.TryRead(out var message))
            {
                _events.Writer.TryWrite(new GrpcCallEvent(message.ToArray(), null));
            }
        }
        catch (InvalidDataException e)
        {
            Finish(new GrpcCallEnd(GrpcCallEndKind.Trailers, 13, e.Message));
            return;
        }

        if (endStream)
        {
            Finish(new GrpcCallEnd(GrpcCallEndKind.Trailers, 13, "Stream ended without trailers."));
        }
    }

    void IHttp2StreamHandler.OnReset(Http2Stream stream, Http2ErrorCode code)
    {
        if (stream.CloseReason == Http2StreamCloseReason.ResetByPeer)
        {
            _peerReset.TrySetResult(code);
        }

        Finish(GrpcCallEnd.FromReset(stream, code));
    }

    private void Finish(GrpcCallEnd end)
    {
        if (End is not null)
        {
            return;
        }

        End = end;
        _events.Writer.TryWrite(new GrpcCallEvent(null, end));
        _events.Writer.TryComplete();
        OnServerEnd?.Invoke(this, end);
    }
}

/// <summary>One event of a <see cref="GrpcStreamCall"/>: a whole message, or the end of the call.</summary>
public readonly record struct GrpcCallEvent(byte[]? Message, GrpcCallEnd? End);
