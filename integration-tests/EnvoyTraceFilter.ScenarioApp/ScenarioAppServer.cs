using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EnvoyTraceFilter.ScenarioApp;

/// <summary>
/// The app behind Envoy in the container tests, on three ports:
/// the app (8080): records each request and answers with the programmed status and headers; the body is the request
/// line and every header, one "name: value" per line, unless a programmed content-length fixes it;
/// control (8081), for the test: PUT /scenario programs the answer and forgets what was received, GET /requests and
/// GET /segments return what was received, as JSON;
/// an X-Ray daemon socket (UDP 2000): keeps every segment document the filter sends.
/// </summary>
public sealed class ScenarioAppServer : IAsyncDisposable
{
    public const int AppPort = 8080;
    public const int ControlPort = 8081;
    public const int XRayPort = 2000;

    private readonly WebApplication _web;
    private readonly UdpClient _daemon;
    private readonly Task _receiving;

    private ScenarioAppServer(WebApplication web, UdpClient daemon, Task receiving, int appPort, int controlPort)
    {
        _web = web;
        _daemon = daemon;
        _receiving = receiving;
        BoundAppPort = appPort;
        BoundControlPort = controlPort;
    }

    public int BoundAppPort { get; }

    public int BoundControlPort { get; }

    public int BoundXRayPort => ((IPEndPoint)_daemon.Client.LocalEndPoint!).Port;

    /// <summary>Port 0 picks a free port (the tests that run the app without containers).</summary>
    public static async Task<ScenarioAppServer> StartAsync(IPAddress address, int appPort, int controlPort, int xrayPort)
    {
        var state = new AppState();
        ListenOptions? app = null, control = null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, appPort, listen => app = listen);
            kestrel.Listen(address, controlPort, listen => control = listen);
        });
        var web = builder.Build();
        // Kestrel writes the bound port back into the listen options.
        web.Run(context => context.Connection.LocalPort == Port(control) ? state.ControlAsync(context) : state.AnswerAsync(context));
        await web.StartAsync();

        var daemon = new UdpClient(new IPEndPoint(address, xrayPort));
        var stopping = web.Lifetime.ApplicationStopping;
        var receiving = Task.Run(async () =>
        {
            while (!stopping.IsCancellationRequested)
            {
                var datagram = await daemon.ReceiveAsync(stopping);
                state.AddSegment(datagram.Buffer);
            }
        }, stopping);
        return new ScenarioAppServer(web, daemon, receiving, Port(app), Port(control));
    }

    public Task WaitForShutdownAsync() => _web.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await _web.StopAsync();
        _daemon.Dispose();
        await _receiving.ContinueWith(_ => { }, TaskScheduler.Default); // ends with the cancellation it was started with
        await _web.DisposeAsync();
    }

    private static int Port(ListenOptions? listen) => ((IPEndPoint)listen!.EndPoint).Port;
}
