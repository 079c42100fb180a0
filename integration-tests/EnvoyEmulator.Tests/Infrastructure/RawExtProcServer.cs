using Envoy.Service.ExtProc.V3;
using EnvoyEmulator.Http2;
using Google.Protobuf;

namespace EnvoyEmulator.Tests.Infrastructure;

/// <summary>
/// An ext_proc server written frame by frame on a <see cref="RawH2Peer"/>: it sees every frame the emulator writes
/// (so tests can assert exactly where END_STREAM and RST_STREAM come) and answers with whatever frames a test wants.
/// </summary>
public sealed class RawExtProcServer : IAsyncDisposable
{
    private static readonly byte[] ResponseHeaderBlock =
        HpackEncoder.Encode([new(":status", "200"), new("content-type", "application/grpc")]);

    private readonly GrpcMessageReader _reader = new();

    public RawH2Peer Peer { get; } = new();

    /// <summary>Every stream frame read so far, in order (SETTINGS, PING and connection WINDOW_UPDATE left out).</summary>
    public List<RawFrame> Frames { get; } = [];

    /// <summary>Emulator options for this server: one worker, so one connection.</summary>
    public static EmulatorOptions Options(string version = "1.36") => TestOptions.Default(version) with { Workers = 1 };

    public EnvoyExtProcEmulator Emulator(EmulatorOptions options) => new(Peer.EndPoint, options);

    public Task AcceptAsync() => Peer.AcceptAsync();

    /// <summary>The next ProcessingRequest the emulator sent (reads HEADERS/DATA frames as needed).</summary>
    public async Task<(int StreamId, ProcessingRequest Message)> ReadMessageAsync()
    {
        while (true)
        {
            var frame = await NextStreamFrameAsync();
            if (frame.Type != RawH2Peer.Data)
            {
                continue;
            }

            _reader.Append(frame.Payload);
            if (_reader.TryRead(out var message))
            {
                return (frame.StreamId, ProcessingRequest.Parser.ParseFrom(message.ToArray()));
            }
        }
    }

    /// <summary>The next stream frame (DATA, HEADERS, RST_STREAM...).</summary>
    public async Task<RawFrame> NextStreamFrameAsync()
    {
        var frame = await Peer.ReadStreamFrameAsync();
        if (frame.Type == RawH2Peer.Ping)
        {
            return await NextStreamFrameAsync();
        }

        Frames.Add(frame);
        return frame;
    }

    public Task SendResponseHeadersAsync(int streamId) =>
        Peer.SendAsync(RawH2Peer.Headers, 0x4, streamId, ResponseHeaderBlock);

    public Task SendMessageAsync(int streamId, ProcessingResponse message) =>
        Peer.SendAsync(RawH2Peer.Data, 0, streamId, GrpcFraming.Frame(message.ToByteArray()));

    /// <summary>Trailers (END_STREAM) with grpc-status and, if given, grpc-message.</summary>
    public Task SendTrailersAsync(int streamId, int status, string? message = null)
    {
        List<KeyValuePair<string, string>> fields = [new("grpc-status", status.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        if (message is not null)
        {
            fields.Add(new("grpc-message", message));
        }

        return Peer.SendAsync(RawH2Peer.Headers, 0x5, streamId, HpackEncoder.Encode(fields));
    }

    public Task SendResetAsync(int streamId, Http2ErrorCode code) =>
        Peer.SendAsync(RawH2Peer.RstStream, 0, streamId, RawH2Peer.UInt32((uint)code));

    /// <summary>Answers request_headers and response_headers with CONTINUE (headers before the first answer).</summary>
    public async Task<int> AnswerBothAsync()
    {
        var (id, first) = await ReadMessageAsync();
        await SendResponseHeadersAsync(id);
        await SendMessageAsync(id, Responses.Continue(first));
        var (_, second) = await ReadMessageAsync();
        await SendMessageAsync(id, Responses.Continue(second));
        return id;
    }

    public ValueTask DisposeAsync() => Peer.DisposeAsync();
}
