using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace EnvoyTraceFilter.Tests.Exporters.XRay;

/// <summary>A UDP socket on 127.0.0.1:0 standing in for the daemon.</summary>
internal sealed class FakeDaemon : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public FakeDaemon(IPAddress? address = null, int port = 0) =>
        _socket.Bind(new IPEndPoint(address ?? IPAddress.Loopback, port));

    public int Port => ((IPEndPoint)_socket.LocalEndPoint!).Port;

    /// <summary>Next datagram's header line and parsed document; fails after a bounded wait.</summary>
    public async Task<(string Header, JsonElement Document)> ReceiveAsync()
    {
        var buffer = new byte[70_000];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var length = await _socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        var text = Encoding.UTF8.GetString(buffer, 0, length);
        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        Assert.True(newline > 0, text);
        using var document = JsonDocument.Parse(text[(newline + 1)..]);
        return (text[..(newline + 1)], document.RootElement.Clone());
    }

    public void Dispose() => _socket.Dispose();
}
