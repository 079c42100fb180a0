using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EnvoyTraceFilter.Load.Suite;

/// <summary>
/// Stand-ins for the collectors of the sampled configurations, on free loopback ports: a Zipkin endpoint
/// (POST /api/v2/spans → 202, spans counted) and an X-Ray daemon (UDP datagrams counted). They only count,
/// so the exporters' cost is measured without a real collector's.
/// </summary>
internal sealed class SpanSinks : IAsyncDisposable
{
    private static readonly byte[] TraceIdField = "\"traceId\""u8.ToArray();
    private readonly WebApplication _zipkin;
    private readonly Socket _udp;
    private readonly Thread _udpThread;
    private long _posts;
    private long _spans;
    private long _datagrams;

    private SpanSinks(WebApplication zipkin, Socket udp)
    {
        _zipkin = zipkin;
        _udp = udp;
        _udpThread = new Thread(ReceiveDatagrams) { IsBackground = true, Name = "xray-sink" };
        _udpThread.Start();
    }

    public int ZipkinPort { get; private init; }

    public int XRayPort { get; private init; }

    public static async Task<SpanSinks> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        SpanSinks? sinks = null;
        app.MapPost("/api/v2/spans", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body).ConfigureAwait(false);
            sinks!.CountPost(body.GetBuffer().AsSpan(0, (int)body.Length));
            return Results.StatusCode(StatusCodes.Status202Accepted);
        });
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sinks = new SpanSinks(app, udp)
        {
            ZipkinPort = new Uri(address).Port,
            XRayPort = ((IPEndPoint)udp.LocalEndPoint!).Port,
        };
        return sinks;
    }

    /// <summary>Counts since the last call, and resets them.</summary>
    public (long Posts, long Spans, long Datagrams) TakeCounts() =>
        (Interlocked.Exchange(ref _posts, 0), Interlocked.Exchange(ref _spans, 0), Interlocked.Exchange(ref _datagrams, 0));

    public async ValueTask DisposeAsync()
    {
        _udp.Close();
        _udpThread.Join(TimeSpan.FromSeconds(2));
        await _zipkin.StopAsync().ConfigureAwait(false);
        await _zipkin.DisposeAsync().ConfigureAwait(false);
    }

    private void CountPost(ReadOnlySpan<byte> body)
    {
        Interlocked.Increment(ref _posts);
        Interlocked.Add(ref _spans, body.Count(TraceIdField));
    }

    private void ReceiveDatagrams()
    {
        var buffer = new byte[65536];
        try
        {
            while (true)
            {
                _udp.Receive(buffer);
                Interlocked.Increment(ref _datagrams);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // closed
        }
    }
}
