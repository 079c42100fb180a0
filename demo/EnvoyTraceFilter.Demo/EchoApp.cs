using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace EnvoyTraceFilter.Demo;

/// <summary>
/// The application behind "Envoy": answers every request with its request line and every header it received,
/// one "name: value" per line, names lowercased and sorted (so the trace headers are easy to find).
/// </summary>
public sealed class EchoApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EchoApp(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public static async Task<EchoApp> StartAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        var app = builder.Build();
        app.Run(context => context.Response.WriteAsync(Render(context.Request), context.RequestAborted));
        await app.StartAsync().ConfigureAwait(false);
        var echo = new EchoApp(app)
        {
            Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port,
        };
        return echo;
    }

    public static string Render(HttpRequest request)
    {
        var target = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        var text = new StringBuilder();
        text.Append(request.Method).Append(' ').Append(target).Append(' ').Append(request.Protocol).Append('\n');
        var lines = request.Headers
            .SelectMany(h => h.Value.Select(v => $"{h.Key.ToLowerInvariant()}: {v}"))
            .Order(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
