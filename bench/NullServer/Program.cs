using System.Globalization;
using System.Net;
using EnvoyTraceFilter.NullServer;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// A null ext_proc server: the cost of Kestrel + HTTP/2 + Grpc.AspNetCore per Envoy stream, with nothing of the
// filter. Usage: NullServer [--port 50051] [--listen 127.0.0.1] [--finish-after ResponseHeaders|Never]
var port = 50051;
var listen = IPAddress.Loopback;
var finishAfterResponseHeaders = true;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--port": port = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        case "--listen": listen = IPAddress.Parse(args[i + 1]); break;
        case "--finish-after": finishAfterResponseHeaders = args[i + 1] == "ResponseHeaders"; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}

// No logging providers and no hosting extras: the floor is the transport alone.
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.Services.AddSingleton(new NullProcessorOptions(finishAfterResponseHeaders));
builder.Services.AddGrpc(o => o.EnableDetailedErrors = false);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    // The filter's Kestrel settings (filter/EnvoyTraceFilter/Hosting): h2c only, 1024 streams per connection.
    kestrel.Listen(listen, port, l => l.Protocols = HttpProtocols.Http2);
    kestrel.Limits.Http2.MaxStreamsPerConnection = 1024;
});

var app = builder.Build();
app.MapGrpcService<NullProcessor>();
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine($"null server pid {Environment.ProcessId} on {listen}:{port}"));
await app.RunAsync();
return 0;
