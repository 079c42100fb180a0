using System.Net;
using System.Net.Sockets;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>
/// A TCP port that accepts connections and then neither reads nor answers: a collector hung below HTTP (a stuck
/// process, a full accept queue behind a proxy). Connections are held until disposal.
/// </summary>
public sealed class SilentTcpListener : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _accepted = [];
    private readonly Task _acceptLoop;
    private int _connections;

    public SilentTcpListener()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync();
                lock (_accepted)
                {
                    _accepted.Add(socket);
                }

                Interlocked.Increment(ref _connections);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _acceptLoop.Wait(TimeSpan.FromSeconds(5));
        lock (_accepted)
        {
            _accepted.ForEach(s => s.Dispose());
        }
    }
}
