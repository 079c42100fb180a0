using System.Net;
using System.Net.Sockets;
using EnvoyTraceFilter.ScenarioApp;

// The app behind Envoy in the container tests, on three ports:
//   8080       the app: records each request and answers with the programmed status and headers; the body is the
//              request line and every header (one "name: value" per line) unless a programmed content-length fixes it;
//   8081       control, for the test: PUT /scenario programs the response and forgets what was received,
//              GET /requests and GET /segments return what was received, as JSON;
//   2000/udp   an X-Ray daemon: keeps every segment document the filter sends.
var state = new AppState();
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.ListenAnyIP(AppState.AppPort);
    kestrel.ListenAnyIP(AppState.ControlPort);
});
var app = builder.Build();
app.Run(context => context.Connection.LocalPort == AppState.ControlPort ? state.ControlAsync(context) : state.AnswerAsync(context));

using var daemon = new UdpClient(new IPEndPoint(IPAddress.Any, AppState.XRayPort));
var stopping = app.Lifetime.ApplicationStopping;
_ = Task.Run(async () =>
{
    while (!stopping.IsCancellationRequested)
    {
        var datagram = await daemon.ReceiveAsync(stopping);
        state.AddSegment(datagram.Buffer);
    }
}, stopping);

await app.RunAsync();
