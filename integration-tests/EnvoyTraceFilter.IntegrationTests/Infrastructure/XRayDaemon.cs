using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>A UDP socket on 127.0.0.1 standing in for the X-Ray daemon.</summary>
public sealed class XRayDaemon : IDisposable
{
    private const string Header = "{\"format\": \"json\", \"version\": 1}\n";
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));

    public string Address => $"127.0.0.1:{((IPEndPoint)_socket.Client.LocalEndPoint!).Port}";

    /// <summary>The next segment document; asserts the datagram starts with the daemon header line.</summary>
    public async Task<JsonElement> NextSegmentAsync()
    {
        var datagram = await _socket.ReceiveAsync().DefaultTimeout();
        var text = Encoding.UTF8.GetString(datagram.Buffer);
        Assert.StartsWith(Header, text, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(text[Header.Length..]);
        return document.RootElement.Clone();
    }

    public int Available => _socket.Available;

    public void Dispose() => _socket.Dispose();
}
