using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace EnvoyTraceFilter.Demo;

/// <summary>
/// Stands in for a Zipkin server (HTTP POST /api/v2/spans, JSON v2) and an X-Ray daemon (UDP segment documents)
/// on 127.0.0.1, and reports every span it receives.
/// </summary>
public sealed class SpanReceiver : IAsyncDisposable
{
    private const string XRayHeader = "{\"format\": \"json\", \"version\": 1}\n";
    private readonly WebApplication _zipkin;
    private readonly UdpClient _xray;
    private readonly Action<SpanRecord> _received;
    private readonly Action<string> _print;
    private readonly CancellationTokenSource _stop = new();
    private Task _xrayLoop = Task.CompletedTask;

    private SpanReceiver(WebApplication zipkin, UdpClient xray, Action<SpanRecord> received, Action<string> print)
    {
        (_zipkin, _xray, _received, _print) = (zipkin, xray, received, print);
    }

    public int ZipkinPort { get; private set; }

    public int XRayPort => ((IPEndPoint)_xray.Client.LocalEndPoint!).Port;

    public string ZipkinEndpoint => $"http://127.0.0.1:{ZipkinPort}/api/v2/spans";

    public static async Task<SpanReceiver> StartAsync(int zipkinPort, int xrayPort, Action<SpanRecord> received, Action<string> print)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{zipkinPort}");
        var app = builder.Build();
        UdpClient xray;
        try
        {
            xray = new UdpClient(new IPEndPoint(IPAddress.Loopback, xrayPort));
        }
        catch (SocketException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"X-Ray listener udp 127.0.0.1:{xrayPort}: {e.Message}", e);
        }

        var receiver = new SpanReceiver(app, xray, received, print);
        app.MapPost("/api/v2/spans", receiver.ReceiveZipkinAsync);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            xray.Dispose();
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        receiver.ZipkinPort = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port;
        receiver._xrayLoop = receiver.ReceiveXRayAsync();
        return receiver;
    }

    private async Task<IResult> ReceiveZipkinAsync(HttpRequest request)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body).ConfigureAwait(false);
            foreach (var span in document.RootElement.EnumerateArray())
            {
                _received(SpanRecord.FromZipkin(span));
            }

            return Results.Accepted();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            _print($"zipkin  | unreadable POST: {e.Message}");
            return Results.BadRequest();
        }
    }

    private async Task ReceiveXRayAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult datagram;
            try
            {
                datagram = await _xray.ReceiveAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var text = Encoding.UTF8.GetString(datagram.Buffer);
            try
            {
                if (!text.StartsWith(XRayHeader, StringComparison.Ordinal))
                {
                    throw new JsonException("no X-Ray daemon header line");
                }

                using var document = JsonDocument.Parse(text[XRayHeader.Length..]);
                _received(SpanRecord.FromXRay(document.RootElement));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                _print($"xray    | unreadable datagram: {e.Message}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _xray.Dispose();
        await _xrayLoop.ConfigureAwait(false);
        await _zipkin.StopAsync().ConfigureAwait(false);
        await _zipkin.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
