using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>
/// A UDP socket on 127.0.0.1 standing in for the X-Ray daemon, on a free port or a given one (a daemon coming back
/// where a dead one was). It reads continuously, so a burst never overflows the socket buffer; segments are read in
/// order (<see cref="NextSegmentAsync"/>) or waited for by trace id (<see cref="WaitForTraceIdsAsync"/>).
/// </summary>
public sealed class XRayDaemon : IDisposable
{
    private const string Header = "{\"format\": \"json\", \"version\": 1}\n";
    private readonly UdpClient _socket;
    private readonly Channel<string> _datagrams = Channel.CreateUnbounded<string>();
    private readonly TraceIdArrivals _traceIds = new();
    private readonly Task _loop;

    public XRayDaemon(int port = 0)
    {
        _socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
        _loop = ReceiveAsync();
    }

    public string Address => $"127.0.0.1:{((IPEndPoint)_socket.Client.LocalEndPoint!).Port}";

    /// <summary>The next segment document; asserts the datagram starts with the daemon header line.</summary>
    public async Task<JsonElement> NextSegmentAsync()
    {
        var text = await _datagrams.Reader.ReadAsync().AsTask().DefaultTimeout();
        Assert.StartsWith(Header, text, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(text[Header.Length..]);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Completes when segments of all but <paramref name="missing"/> of the given X-Ray trace ids (1-xxxxxxxx-yyyy…)
    /// have arrived.
    /// </summary>
    public Task WaitForTraceIdsAsync(IEnumerable<string> traceIds, int missing = 0) => _traceIds.WaitForAsync(traceIds, missing);

    private async Task ReceiveAsync()
    {
        while (true)
        {
            UdpReceiveResult datagram;
            try
            {
                datagram = await _socket.ReceiveAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }

            var text = Encoding.UTF8.GetString(datagram.Buffer);
            _datagrams.Writer.TryWrite(text);
            Index(text);
        }
    }

    // Tolerant: a malformed datagram is for NextSegmentAsync's assertions to report, not for the loop to die on.
    private void Index(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text[(text.IndexOf('\n') + 1)..]);
            if (document.RootElement.TryGetProperty("trace_id", out var traceId) && traceId.GetString() is { } id)
            {
                _traceIds.Add(id);
            }
        }
        catch (JsonException)
        {
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
