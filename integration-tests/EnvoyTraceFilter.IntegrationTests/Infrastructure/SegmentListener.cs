using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>
/// An X-Ray daemon stand-in on a given UDP port (e.g. one where a dead daemon was), reading continuously so a
/// burst does not overflow the socket buffer, and indexing the segments by trace id.
/// </summary>
public sealed class SegmentListener : IDisposable
{
    private readonly UdpClient _socket;
    private readonly ConcurrentDictionary<string, int> _traceIds = new(StringComparer.Ordinal);
    private readonly List<(HashSet<string> Wanted, int Missing, TaskCompletionSource Done)> _waiters = [];
    private readonly Task _loop;

    public SegmentListener(int port)
    {
        _socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, port));
        _loop = ReceiveAsync();
    }

    /// <summary>
    /// Completes when segments of all but <paramref name="missing"/> of the given X-Ray trace ids (1-xxxxxxxx-yyyy…)
    /// have arrived.
    /// </summary>
    public Task WaitForTraceIdsAsync(IEnumerable<string> traceIds, int missing = 0)
    {
        var waiter = (Wanted: new HashSet<string>(traceIds, StringComparer.Ordinal), Missing: missing, Done: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_waiters)
        {
            waiter.Wanted.RemoveWhere(_traceIds.ContainsKey);
            if (waiter.Wanted.Count <= missing)
            {
                return Task.CompletedTask;
            }

            _waiters.Add(waiter);
        }

        return waiter.Done.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

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
            using var document = JsonDocument.Parse(text[(text.IndexOf('\n') + 1)..]);
            _traceIds.TryAdd(document.RootElement.GetProperty("trace_id").GetString()!, 0);
            lock (_waiters)
            {
                foreach (var waiter in _waiters.ToList())
                {
                    waiter.Wanted.RemoveWhere(_traceIds.ContainsKey);
                    if (waiter.Wanted.Count <= waiter.Missing)
                    {
                        waiter.Done.TrySetResult();
                        _waiters.Remove(waiter);
                    }
                }
            }
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _loop.Wait(TimeSpan.FromSeconds(5));
    }
}
