using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using EnvoyEmulator.Http2;

namespace EnvoyEmulator.Tests.Infrastructure;

/// <summary>One frame as the fake server read it.</summary>
public sealed record RawFrame(byte Type, byte Flags, int StreamId, byte[] Payload)
{
    public uint Code => BinaryPrimitives.ReadUInt32BigEndian(Type == 7 ? Payload.AsSpan(4) : Payload);
}

/// <summary>
/// A scripted HTTP/2 server on 127.0.0.1:0 that reads and writes raw frames, to test what the client transport
/// writes and how it reacts to frames Kestrel would not send on demand (GOAWAY, PING, small windows).
/// </summary>
public sealed class RawH2Peer : IAsyncDisposable
{
    public const byte Data = 0, Headers = 1, RstStream = 3, Settings = 4, Ping = 6, GoAway = 7, WindowUpdate = 8, Continuation = 9;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private Socket? _socket;
    private byte[] _buffer = new byte[64 * 1024];
    private int _filled;

    public RawH2Peer() => _listener.Start();

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Accepts the client, checks its preface, and sends our SETTINGS (id, value pairs).</summary>
    public async Task AcceptAsync(params (ushort Id, uint Value)[] settings)
    {
        _socket = await _listener.AcceptSocketAsync().Within();
        var preface = await ReadExactlyAsync(24);
        Assert.Equal("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", System.Text.Encoding.ASCII.GetString(preface!));
        var payload = new byte[settings.Length * 6];
        for (var i = 0; i < settings.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(i * 6), settings[i].Id);
            BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan(i * 6 + 2), settings[i].Value);
        }

        await SendAsync(Settings, 0, 0, payload);
    }

    public async Task SendAsync(byte type, byte flags, int streamId, byte[] payload)
    {
        var frame = new byte[Http2Frame.HeaderLength + payload.Length];
        Http2Frame.WriteHeader(frame, payload.Length, (Http2FrameType)type, flags, streamId);
        payload.CopyTo(frame, Http2Frame.HeaderLength);
        await _socket!.SendAsync(frame);
    }

    public static byte[] UInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>The next frame from the client, or null when it closed the connection.</summary>
    public async Task<RawFrame?> ReadFrameAsync()
    {
        var header = await ReadExactlyAsync(9);
        if (header is null)
        {
            return null;
        }

        var length = (header[0] << 16) | (header[1] << 8) | header[2];
        var payload = length == 0 ? [] : await ReadExactlyAsync(length);
        return payload is null ? null
            : new RawFrame(header[3], header[4], BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & 0x7fffffff, payload);
    }

    /// <summary>Reads frames until one matches, skipping SETTINGS ACKs and connection WINDOW_UPDATEs.</summary>
    public async Task<RawFrame> ReadUntilAsync(Func<RawFrame, bool> match)
    {
        while (await ReadFrameAsync().Within() is { } frame)
        {
            if (match(frame))
            {
                return frame;
            }
        }

        throw new InvalidOperationException("The client closed the connection first.");
    }

    /// <summary>Every frame until the client closes the connection.</summary>
    public async Task<List<RawFrame>> ReadToEndAsync()
    {
        var frames = new List<RawFrame>();
        while (await ReadFrameAsync().Within() is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    /// <summary>The next frame that is not connection housekeeping (SETTINGS, connection WINDOW_UPDATE).</summary>
    public Task<RawFrame> ReadStreamFrameAsync() =>
        ReadUntilAsync(f => f.Type != Settings && !(f.Type == WindowUpdate && f.StreamId == 0));

    public async ValueTask DisposeAsync()
    {
        _socket?.Dispose();
        _listener.Stop();
        await Task.CompletedTask;
    }

    private async Task<byte[]?> ReadExactlyAsync(int count)
    {
        while (_filled < count)
        {
            if (_buffer.Length < count)
            {
                Array.Resize(ref _buffer, count * 2);
            }

            var read = await _socket!.ReceiveAsync(_buffer.AsMemory(_filled)).AsTask().Within();
            if (read == 0)
            {
                return null;
            }

            _filled += read;
        }

        var result = _buffer.AsSpan(0, count).ToArray();
        _buffer.AsSpan(count, _filled - count).CopyTo(_buffer);
        _filled -= count;
        return result;
    }
}
