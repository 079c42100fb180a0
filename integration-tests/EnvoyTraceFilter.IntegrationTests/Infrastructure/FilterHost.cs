using EnvoyEmulator;
using EnvoyTraceFilter.Hosting;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>
/// The real filter host (same AddTraceFilter/MapTraceFilter as Program), either in memory (TestServer) or
/// on a real Kestrel socket bound to 127.0.0.1 on a free port.
/// </summary>
public sealed class FilterHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FilterHost(WebApplication app, GrpcChannel channel, string? address)
    {
        _app = app;
        Channel = channel;
        Address = address;
    }

    public GrpcChannel Channel { get; }

    /// <summary>http://127.0.0.1:port when listening on a socket; null in memory.</summary>
    public string? Address { get; }

    /// <summary>http://127.0.0.1:port of the admin listener when a socket host enables it; else null.</summary>
    public string? AdminAddress { get; private init; }

    public IServiceProvider Services => _app.Services;

    public static async Task<FilterHost> StartAsync(bool overSocket, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null, Action<IConfigurationBuilder>? configuration = null,
        Dictionary<string, string?>? environment = null, bool warmUp = true)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new DiscardingLoggerProvider());
        // Exporters stay off unless a test turns them on and points them at its own collector.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TraceFilter:Zipkin:Enabled"] = "false",
            ["TraceFilter:XRay:Enabled"] = "false",
            // The admin listener binds its own port; tests that use it enable it on port 0.
            ["TraceFilter:Admin:Enabled"] = "false",
        });
        var config = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        if (overSocket)
        {
            config["TraceFilter:Port"] = "0";
            config["TraceFilter:ListenAddress"] = "127.0.0.1";
            config.TryAdd("TraceFilter:Admin:Port", "0");
            config.TryAdd("TraceFilter:Admin:ListenAddress", "127.0.0.1");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Configuration.AddInMemoryCollection(config);
        configuration?.Invoke(builder.Configuration);
        builder.AddTraceFilter();
        if (environment is not null)
        {
            // The filter reads AWS_XRAY_TRACING_NAME and friends through this lookup; tests must not touch the real environment.
            builder.Services.AddSingleton<EnvoyTraceFilter.Configuration.EnvironmentLookup>(name => environment.GetValueOrDefault(name));
        }

        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapTraceFilter();
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));

        GrpcChannel channel;
        string? address = null;
        string? adminAddress = null;
        if (overSocket)
        {
            var listeners = app.Services.GetRequiredService<ListenerEndpoints>();
            address = $"http://127.0.0.1:{listeners.ExtProcPort}";
            adminAddress = listeners.AdminPort is { } adminPort ? $"http://127.0.0.1:{adminPort}" : null;
            channel = GrpcChannel.ForAddress(address);
        }
        else
        {
            channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = app.GetTestServer().CreateHandler() });
        }

        var host = new FilterHost(app, channel, address) { AdminAddress = adminAddress };
        if (warmUp)
        {
            await host.WarmUpAsync();
        }

        return host;
    }

    /// <summary>
    /// One unsampled request through the new host before any test measures: JIT, lazy singletons and (over a
    /// socket) the HTTP/2 connection are paid here, with a generous timeout, not inside the message_timeout of the
    /// test's own requests. Unsampled (b3: 0), so nothing is exported; it returns once the server has ended the
    /// stream, so no counter of the warm-up reaches a collector the test creates later.
    /// </summary>
    private async Task WarmUpAsync()
    {
        using var metrics = Metrics();
        var emulator = new EnvoyExtProcEmulator(Channel, Emulation.ForTests with { MessageTimeout = TaskTimeouts.Default });
        var exchange = await emulator.SendAsync(new DownstreamRequest
        {
            Authority = "warm-up.invalid",
            Headers = new HeaderList([("b3", "0")]),
        }).DefaultTimeout();
        if (exchange.Outcome != ExchangeOutcome.Processed)
        {
            throw new InvalidOperationException($"The filter host did not process the warm-up request: {exchange.Outcome}.");
        }

        await metrics.WaitForAsync(1, "tracefilter.extproc.streams");
    }

    /// <summary>Collects this host's counters only.</summary>
    public MetricCollector Metrics() => new(Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }
}
