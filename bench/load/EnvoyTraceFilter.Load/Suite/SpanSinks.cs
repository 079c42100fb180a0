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

/// <summary>What the Zipkin stand-in does with each POST after reading it.</summary>
internal enum ZipkinSinkFault
{
    /// <summary>Counts the spans and answers 202.</summary>
    None,

    /// <summary>Never answers (until the sinks stop or the client gives up).</summary>
    Hang,

    Status500,

    /// <summary>Holds each POST <see cref="SpanSinks.SlowDelay"/>, then counts and answers 202.</summary>
    Slow,
}

/// <summary>
/// Stand-ins for the collectors of the sampled configurations, on free loopback ports: a Zipkin endpoint
/// (POST /api/v2/spans → 202, spans counted) and an X-Ray daemon (UDP datagrams counted). They only count,
/// so the exporters' cost is measured without a real collector's. The Zipkin side can be switched to a fault.
/// </summary>
internal sealed class SpanSinks : IAsyncDisposable
{
    private static readonly byte[] TraceIdField = "\"traceId\""u8.ToArray();
    private readonly WebApplication _zipkin;
    private readonly Socket _udp;
    private readonly Thread _udpThread;
    private readonly CancellationTokenSource _stopping = new();
    private int _fault;
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

    public static TimeSpan SlowDelay { get; } = TimeSpan.FromSeconds(3);

    /// <summary>What the Zipkin endpoint does from now on.</summary>
    public ZipkinSinkFault ZipkinFault
    {
        get => (ZipkinSinkFault)Volatile.Read(ref _fault);
        set => Volatile.Write(ref _fault, (int)value);
    }

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
            return await sinks!.AnswerAsync(body, context.RequestAborted).ConfigureAwait(false);
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
        await _stopping.CancelAsync().ConfigureAwait(false);
        _udp.Close();
        _udpThread.Join(TimeSpan.FromSeconds(2));
        await _zipkin.StopAsync().ConfigureAwait(false);
        await _zipkin.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task<IResult> AnswerAsync(MemoryStream body, CancellationToken aborted)
    {
        var fault = ZipkinFault;
        if (fault is ZipkinSinkFault.Hang or ZipkinSinkFault.Slow)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token, aborted);
            try
            {
                await Task.Delay(fault == ZipkinSinkFault.Hang ? Timeout.InfiniteTimeSpan : SlowDelay, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // the client gave up (its timeout) or the sinks stop
                return Results.StatusCode(StatusCodes.Status500InternalServerError);
            }
        }

        if (fault == ZipkinSinkFault.Status500)
        {
            return Results.StatusCode(StatusCodes.Status500InternalServerError);
        }

        CountPost(body.GetBuffer().AsSpan(0, (int)body.Length));
        return Results.StatusCode(StatusCodes.Status202Accepted);
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
