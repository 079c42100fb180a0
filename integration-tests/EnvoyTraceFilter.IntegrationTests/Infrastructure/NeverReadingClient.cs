using System.Net.Sockets;
using EnvoyEmulator.Http2;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>
/// An HTTP/2 client that writes and never reads: the preface, its SETTINGS, then ext_proc streams (HEADERS + DATA
/// with request_headers), and no WINDOW_UPDATE, no SETTINGS or PING ACK. Its receive buffer is kept small, so the
/// server's answers soon have nowhere to go. Frames are written by hand (the raw transport always reads).
/// </summary>
internal sealed class NeverReadingClient : IDisposable
{
    private readonly Socket _socket;
    private int _nextStreamId = 1;

    private NeverReadingClient(Socket socket) => _socket = socket;

    public static async Task<NeverReadingClient> ConnectAsync(FilterHost host, int? initialWindowSize = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096, SendTimeout = 15_000 };
        await socket.ConnectAsync(RawExtProc.EndPoint(host)).DefaultTimeout();
        var client = new NeverReadingClient(socket);
        var settings = new List<byte>();
        settings.AddRange([0, 2, 0, 0, 0, 0]); // SETTINGS_ENABLE_PUSH 0
        if (initialWindowSize is { } window)
        {
            settings.AddRange([0, 4, (byte)(window >> 24), (byte)(window >> 16), (byte)(window >> 8), (byte)window]);
        }

        client.Send([.. Http2Frame.Preface, .. Frame(Http2FrameType.Settings, 0, 0, [.. settings])]);
        return client;
    }

    /// <summary>Opens <paramref name="count"/> streams, each with HEADERS and one DATA frame carrying <paramref name="message"/>.</summary>
    public void StartStreams(int count, byte[] message)
    {
        var framed = GrpcFraming.Frame(message);
        var bytes = new List<byte>();
        for (var i = 0; i < count; i++)
        {
            bytes.AddRange(Frame(Http2FrameType.Headers, Http2Flags.EndHeaders, _nextStreamId, RawExtProc.HeaderBlock));
            bytes.AddRange(Frame(Http2FrameType.Data, 0, _nextStreamId, framed));
            _nextStreamId += 2;
        }

        Send([.. bytes]);
    }

    /// <summary>Reads (at last) until the server's close: true at the end of the stream or a reset, false if still open after the timeout.</summary>
    public async Task<bool> DrainUntilClosedAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        try
        {
            while (await _socket.ReceiveAsync(buffer, SocketFlags.None, cancel.Token) > 0)
            {
            }

            return true;
        }
        catch (SocketException)
        {
            return true; // reset by the server
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();

    private void Send(byte[] bytes)
    {
        // Blocking writes: the server reads what we send (it is our reading that is missing); SendTimeout turns a
        // server that stopped reading into a failed test rather than a hang.
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += _socket.Send(bytes, sent, bytes.Length - sent, SocketFlags.None);
        }
    }

    private static byte[] Frame(Http2FrameType type, byte flags, int streamId, byte[] payload)
    {
        var frame = new byte[Http2Frame.HeaderLength + payload.Length];
        Http2Frame.WriteHeader(frame, payload.Length, type, flags, streamId);
        payload.CopyTo(frame, Http2Frame.HeaderLength);
        return frame;
    }
}
