using System.Buffers.Binary;
using EnvoyEmulator.Http2;
using EnvoyEmulator.Tests.Infrastructure;

namespace EnvoyEmulator.Tests.Http2;

/// <summary>Exact frames of the raw transport, against a scripted frame-level server.</summary>
public sealed class Http2FrameTests
{
    private static readonly byte[] Block = HpackEncoder.Encode([new(":method", "POST"), new(":path", "/p")]);

    private static async Task<(RawH2Peer Peer, Http2Connection Connection)> ConnectAsync(params (ushort, uint)[] settings)
    {
        var peer = new RawH2Peer();
        var connecting = Http2Connection.ConnectAsync(peer.EndPoint);
        await peer.AcceptAsync(settings);
        return (peer, await connecting.Within());
    }

    [Fact]
    public async Task Preface_settings_and_connection_window_come_first_and_the_servers_settings_are_acknowledged()
    {
        var peer = new RawH2Peer();
        await using var _ = peer;
        var connecting = Http2Connection.ConnectAsync(peer.EndPoint, new Http2ConnectionOptions { ConnectionWindowSize = 1_000_000 });
        await peer.AcceptAsync((3, 7));
        await using var connection = await connecting.Within();

        var settings = await peer.ReadFrameAsync();
        Assert.Equal((RawH2Peer.Settings, 0, 0), (settings!.Type, settings.Flags, settings.StreamId));
        Assert.Equal("000200000000" + "0004" + 16_777_216.ToString("x8"), Convert.ToHexString(settings.Payload).ToLowerInvariant());
        var window = await peer.ReadFrameAsync();
        Assert.Equal((RawH2Peer.WindowUpdate, 0, 1_000_000u - 65_535), (window!.Type, window.StreamId, BinaryPrimitives.ReadUInt32BigEndian(window.Payload)));
        var ack = await peer.ReadFrameAsync();
        Assert.Equal((RawH2Peer.Settings, 1, 0), (ack!.Type, ack.Flags, ack.Payload.Length));
        Assert.Equal(7, connection.PeerMaxConcurrentStreams);
    }

    [Theory]
    [InlineData("1.36", 16_777_216, 25_165_824)] // 1.36 lowered Envoy's default windows
    [InlineData("1.35", 268_435_456, 268_435_456)]
    public async Task The_ext_proc_cluster_announces_its_envoy_versions_default_windows(string version, int stream, int connection)
    {
        var peer = new RawH2Peer();
        await using var _ = peer;
        await using var emulator = new EnvoyExtProcEmulator(peer.EndPoint, TestOptions.Default(version));
        var exchange = emulator.SendAsync(new DownstreamRequest { Authority = "a.example", Path = "/" });
        await peer.AcceptAsync();

        var settings = await peer.ReadFrameAsync();
        Assert.Equal("000200000000" + "0004" + stream.ToString("x8"), Convert.ToHexString(settings!.Payload).ToLowerInvariant());
        var window = await peer.ReadFrameAsync();
        Assert.Equal((RawH2Peer.WindowUpdate, 0, (uint)connection - 65_535), (window!.Type, window.StreamId, BinaryPrimitives.ReadUInt32BigEndian(window.Payload)));
        await peer.DisposeAsync(); // the exchange then fails open and ends
        await exchange.Within();
    }

    [Fact]
    public async Task Headers_and_data_in_order_then_envoys_close_is_end_stream_then_reset()
    {
        var (peer, connection) = await ConnectAsync();
        await using var __ = peer;
        await using var _ = connection;
        Assert.True(connection.TryStartStream(Block, [1, 2, 3], endStream: false, new RecordingHandler(), out var stream));

        var headers = await peer.ReadStreamFrameAsync();
        Assert.Equal((RawH2Peer.Headers, 0x4, 1), (headers.Type, headers.Flags, headers.StreamId)); // END_HEADERS only
        Assert.Equal(Block, headers.Payload);
        var data = await peer.ReadStreamFrameAsync();
        Assert.Equal((RawH2Peer.Data, 0, 1), (data.Type, data.Flags, data.StreamId));
        Assert.Equal([1, 2, 3], data.Payload);

        stream!.EndStreamAndReset();
        var end = await peer.ReadStreamFrameAsync();
        Assert.Equal((RawH2Peer.Data, 0x1, 1, 0), (end.Type, end.Flags, end.StreamId, end.Payload.Length));
        var rst = await peer.ReadStreamFrameAsync();
        Assert.Equal((RawH2Peer.RstStream, 1, 0u), (rst.Type, rst.StreamId, rst.Code));
    }

    [Fact]
    public async Task Reset_is_still_sent_after_the_peer_ended_and_reset_the_stream()
    {
        var (peer, connection) = await ConnectAsync();
        await using var __ = peer;
        await using var _ = connection;
        var handler = new RecordingHandler();
        Assert.True(connection.TryStartStream(Block, [], endStream: false, handler, out var stream));
        await peer.ReadStreamFrameAsync();

        // Trailers-only response (":status 200" indexed, "grpc-status: 0" literal), then RST_STREAM(NO_ERROR), as Kestrel.
        await peer.SendAsync(RawH2Peer.Headers, 0x5, 1, [0x88, 0x00, 0x0b, .. "grpc-status"u8, 0x01, (byte)'0']);
        await peer.SendAsync(RawH2Peer.RstStream, 0, 1, RawH2Peer.UInt32(0));
        Assert.Equal(Http2ErrorCode.NoError, await handler.Reset.Task.Within());
        Assert.Equal([new(":status", "200"), new("grpc-status", "0")], await handler.Trailers.Task.Within());

        stream!.Reset(Http2ErrorCode.Cancel);
        var rst = await peer.ReadStreamFrameAsync();
        Assert.Equal((RawH2Peer.RstStream, 1, 8u), (rst.Type, rst.StreamId, rst.Code));
        Assert.Equal((Http2StreamCloseReason.ResetByPeer, Http2ErrorCode.NoError), (stream.CloseReason, stream.ResetCode));
    }

    [Fact]
    public async Task Data_waits_for_the_peers_window_and_keeps_end_stream_on_the_last_frame()
    {
        var (peer, connection) = await ConnectAsync((4, 10)); // SETTINGS_INITIAL_WINDOW_SIZE = 10
        await using var __ = peer;
        await using var _ = connection;
        await peer.ReadUntilAsync(f => f.Type == RawH2Peer.Settings && f.Flags == 1); // our ACK: the window applies
        Assert.True(connection.TryStartStream(Block, Enumerable.Range(0, 25).Select(i => (byte)i).ToArray(), endStream: true,
            new RecordingHandler(), out var stream));

        await peer.ReadStreamFrameAsync(); // HEADERS
        var first = await peer.ReadStreamFrameAsync();
        Assert.Equal((RawH2Peer.Data, 0, 10), (first.Type, first.Flags, first.Payload.Length));
        Assert.Equal(15, stream!.PendingBytes);

        await peer.SendAsync(RawH2Peer.WindowUpdate, 0, 1, RawH2Peer.UInt32(100));
        var rest = await peer.ReadStreamFrameAsync();
        Assert.Equal((RawH2Peer.Data, 1, 15, (byte)10), (rest.Type, rest.Flags, rest.Payload.Length, rest.Payload[0]));
    }

    [Fact]
    public async Task Server_ping_is_answered_with_the_same_payload()
    {
        var (peer, connection) = await ConnectAsync();
        await using var __ = peer;
        await using var _ = connection;
        byte[] payload = [1, 2, 3, 4, 5, 6, 7, 8];
        await peer.SendAsync(RawH2Peer.Ping, 0, 0, payload);

        var ack = await peer.ReadUntilAsync(f => f.Type == RawH2Peer.Ping);
        Assert.Equal(1, ack.Flags);
        Assert.Equal(payload, ack.Payload);
    }

    [Fact]
    public async Task Goaway_refuses_streams_above_the_last_id_and_stops_new_streams()
    {
        var (peer, connection) = await ConnectAsync();
        await using var __ = peer;
        await using var _ = connection;
        var first = new RecordingHandler();
        var second = new RecordingHandler();
        Assert.True(connection.TryStartStream(Block, [], false, first, out var one));
        Assert.True(connection.TryStartStream(Block, [], false, second, out var three));

        await peer.SendAsync(RawH2Peer.GoAway, 0, 0, [.. RawH2Peer.UInt32(1), .. RawH2Peer.UInt32(0)]);

        Assert.Equal(Http2ErrorCode.RefusedStream, await second.Reset.Task.Within());
        Assert.Equal(Http2StreamCloseReason.RefusedByGoAway, three!.CloseReason);
        Assert.Equal(Http2StreamCloseReason.Open, one!.CloseReason);
        Assert.True(connection.GoAwayReceived);
        Assert.False(connection.TryStartStream(Block, [], false, new RecordingHandler(), out var refused));
        Assert.Null(refused);
    }

    [Fact]
    public async Task A_protocol_error_closes_the_connection_with_goaway_and_ends_open_streams()
    {
        var (peer, connection) = await ConnectAsync();
        await using var __ = peer;
        await using var _ = connection;
        var handler = new RecordingHandler();
        Assert.True(connection.TryStartStream(Block, [], false, handler, out var stream));

        await peer.SendAsync(RawH2Peer.Headers, 0x4, 1, [0x80]); // HPACK index 0

        var goAway = await peer.ReadUntilAsync(f => f.Type == RawH2Peer.GoAway);
        Assert.Equal((uint)Http2ErrorCode.CompressionError, goAway.Code);
        Assert.Equal(Http2ErrorCode.ConnectError, await handler.Reset.Task.Within());
        Assert.Equal(Http2StreamCloseReason.ConnectionLost, stream!.CloseReason);
        Assert.IsType<Http2ProtocolException>(await connection.Completion.Within());
    }
}
