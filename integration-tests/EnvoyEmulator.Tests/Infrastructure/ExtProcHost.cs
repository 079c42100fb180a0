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

    /// <summary>The Kestrel socket (127.0.0.1:port), or null in memory.</summary>
    public IPEndPoint? EndPoint { get; private init; }

    public static Task<ExtProcHost> InMemoryAsync(Func<ServerCall, Task>? script = null) => StartAsync(script, kestrel: false);

    public static Task<ExtProcHost> KestrelAsync(Func<ServerCall, Task>? script = null) => StartAsync(script, kestrel: true);

    /// <summary>Kestrel with its limits adjusted by <paramref name="configure"/> (e.g. Http2.MaxStreamsPerConnection).</summary>
    public static Task<ExtProcHost> KestrelAsync(Func<ServerCall, Task>? script, Action<KestrelServerOptions> configure) =>
        StartAsync(script, kestrel: true, configure);

    public EnvoyExtProcEmulator Emulator(EmulatorOptions? options = null) => new(Channel, options ?? TestOptions.Default());

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync().Within();
        await _app.DisposeAsync();
    }

    private static async Task<ExtProcHost> StartAsync(Func<ServerCall, Task>? script, bool kestrel,
        Action<KestrelServerOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new ScriptedProcessor { Script = script ?? Scripts.ContinueAll });
        if (kestrel)
        {
            builder.WebHost.UseKestrel(k =>
            {
                k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2);
                configure?.Invoke(k);
            });
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        var app = builder.Build();
        app.MapGrpcService<ScriptedProcessor>();
        await app.StartAsync().Within();
        GrpcChannel channel;
        IPEndPoint? endPoint = null;
        if (kestrel)
        {
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
                .Addresses.Single();
            channel = GrpcChannel.ForAddress(address);
            endPoint = new IPEndPoint(IPAddress.Loopback, new Uri(address).Port);
        }
        else
        {
            var server = app.GetTestServer();
            channel = GrpcChannel.ForAddress(server.BaseAddress, new GrpcChannelOptions { HttpHandler = server.CreateHandler() });
        }

        return new ExtProcHost(app, channel) { EndPoint = endPoint };
    }
}
