using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EnvoyEmulator.Tests.Infrastructure;

/// <summary>Hosts a <see cref="ScriptedProcessor"/> in memory (TestServer) or on 127.0.0.1:0 over h2c (Kestrel).</summary>
public sealed class ExtProcHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ExtProcHost(WebApplication app, GrpcChannel channel)
    {
        _app = app;
        Channel = channel;
    }

    public ScriptedProcessor Processor => _app.Services.GetRequiredService<ScriptedProcessor>();

    public GrpcChannel Channel { get; }

    public static Task<ExtProcHost> InMemoryAsync(Func<ServerCall, Task>? script = null) => StartAsync(script, kestrel: false);

    public static Task<ExtProcHost> KestrelAsync(Func<ServerCall, Task>? script = null) => StartAsync(script, kestrel: true);

    public EnvoyExtProcEmulator Emulator(EmulatorOptions? options = null) => new(Channel, options ?? TestOptions.Default());

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync().Within();
        await _app.DisposeAsync();
    }

    private static async Task<ExtProcHost> StartAsync(Func<ServerCall, Task>? script, bool kestrel)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new ScriptedProcessor { Script = script ?? Scripts.ContinueAll });
        if (kestrel)
        {
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        var app = builder.Build();
        app.MapGrpcService<ScriptedProcessor>();
        await app.StartAsync().Within();
        GrpcChannel channel;
        if (kestrel)
        {
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
                .Addresses.Single();
            channel = GrpcChannel.ForAddress(address);
        }
        else
        {
            var server = app.GetTestServer();
            channel = GrpcChannel.ForAddress(server.BaseAddress, new GrpcChannelOptions { HttpHandler = server.CreateHandler() });
        }

        return new ExtProcHost(app, channel);
    }
}
