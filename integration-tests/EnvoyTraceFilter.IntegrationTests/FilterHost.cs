using EnvoyTraceFilter.Hosting;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>
/// The real filter host (same AddTraceFilter/MapTraceFilter as Program), either in memory (TestServer) or
/// on a real Kestrel socket bound to 127.0.0.1 on a free port.
/// </summary>
public sealed class FilterHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FilterHost(WebApplication app, GrpcChannel channel)
    {
        _app = app;
        Channel = channel;
    }

    public GrpcChannel Channel { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<FilterHost> StartAsync(bool overSocket, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        var config = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        if (overSocket)
        {
            config["TraceFilter:Port"] = "0";
            config["TraceFilter:ListenAddress"] = "127.0.0.1";
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Configuration.AddInMemoryCollection(config);
        builder.AddTraceFilter();
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapTraceFilter();
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));

        GrpcChannel channel;
        if (overSocket)
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            channel = GrpcChannel.ForAddress(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        }
        else
        {
            channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = app.GetTestServer().CreateHandler() });
        }

        return new FilterHost(app, channel);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }
}
