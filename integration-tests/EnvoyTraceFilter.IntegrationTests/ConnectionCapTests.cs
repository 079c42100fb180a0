using System.Net.Sockets;
using EnvoyEmulator;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>TraceFilter:MaxConnections: a connection beyond the cap is closed when accepted and counted; the others work on.</summary>
public sealed class ConnectionCapTests
{
    private const string Rejected = "tracefilter.extproc.connections.rejected";

    [Fact]
    public async Task A_connection_beyond_the_cap_is_closed_at_once_and_counted_and_the_open_ones_keep_working()
    {
        // Three: the host's warm-up channel holds one connection, and two emulators (one worker each) one each.
        await using var host = await FilterHost.StartAsync(overSocket: true, new Dictionary<string, string?> { ["TraceFilter:MaxConnections"] = "3" });
        using var metrics = host.Metrics();
        var oneWorker = Emulation.ForTests with { Workers = 1 };
        await using var first = Emulation.For(host, oneWorker);
        var second = Emulation.For(host, oneWorker);
        Assert.Equal(ExchangeOutcome.Processed, (await first.SendAsync(Emulation.Get("api.example.com")).DefaultTimeout()).Outcome);
        Assert.Equal(ExchangeOutcome.Processed, (await second.SendAsync(Emulation.Get("api.example.com")).DefaultTimeout()).Outcome);

        // Not one byte of HTTP/2 (no SETTINGS) comes back: the connection is closed before Kestrel's HTTP/2 layer.
        Assert.Equal(0, await BytesBeforeCloseAsync(RawExtProc.EndPoint(host)));

        await metrics.WaitForAsync(1, Rejected);
        Assert.Equal(ExchangeOutcome.Processed, (await first.SendAsync(Emulation.Get("api.example.com")).DefaultTimeout()).Outcome);
        Assert.Equal(ExchangeOutcome.Processed, (await second.SendAsync(Emulation.Get("api.example.com")).DefaultTimeout()).Outcome);

        // A closed connection frees its place: once Kestrel has let the second emulator's connection go, a new one is served.
        await second.DisposeAsync();
        await metrics.WaitUntilAsync(m => m.Sum("kestrel.active_connections") <= 1);
        await using var third = Emulation.For(host, oneWorker);
        Assert.Equal(ExchangeOutcome.Processed, (await third.SendAsync(Emulation.Get("api.example.com")).DefaultTimeout()).Outcome);
        Assert.Equal(1, metrics.Sum(Rejected));
    }

    [Fact]
    public async Task Without_a_cap_nothing_is_rejected()
    {
        await using var host = await FilterHost.StartAsync(overSocket: true);
        using var metrics = host.Metrics();
        var emulators = Enumerable.Range(0, 8).Select(_ => Emulation.For(host, Emulation.ForTests with { Workers = 1 })).ToList();

        var outcomes = await Task.WhenAll(emulators.Select(e => e.SendAsync(Emulation.Get("api.example.com")))).DefaultTimeout();

        Assert.All(outcomes, o => Assert.Equal(ExchangeOutcome.Processed, o.Outcome));
        Assert.Equal(0, metrics.Sum(Rejected));
        foreach (var emulator in emulators)
        {
            await emulator.DisposeAsync();
        }
    }

    /// <summary>
    /// Connects, sends the HTTP/2 preface and reads until the server closes: the bytes received. The server may reset
    /// the connection at any of these steps (it closes at once); that counts as closed.
    /// </summary>
    private static async Task<int> BytesBeforeCloseAsync(System.Net.IPEndPoint endPoint)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(endPoint).DefaultTimeout();
            var stream = client.GetStream();
            await stream.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray()).AsTask().DefaultTimeout();
            return await ReadToEndAsync(stream);
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return 0;
        }
    }

    /// <summary>Bytes read until the server closes the connection (a reset counts as closed).</summary>
    private static async Task<int> ReadToEndAsync(NetworkStream stream)
    {
        var buffer = new byte[4096];
        var total = 0;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer).AsTask().DefaultTimeout()) > 0)
            {
                total += read;
            }
        }
        catch (IOException)
        {
            // reset by the server
        }

        return total;
    }
}
