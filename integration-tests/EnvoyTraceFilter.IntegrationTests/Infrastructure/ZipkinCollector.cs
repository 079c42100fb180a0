using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>A real HTTP listener on 127.0.0.1 that receives Zipkin v2 POSTs, as a Zipkin server would.</summary>
public sealed class ZipkinCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<JsonElement> _spans = Channel.CreateUnbounded<JsonElement>();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ZipkinCollector(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = "";

    public int Posts { get; private set; }

    /// <summary>When true the collector accepts the POST but never answers (a hung Zipkin).</summary>
    public bool Hang { get; init; }

    public static async Task<ZipkinCollector> StartAsync(bool hang = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var collector = new ZipkinCollector(app) { Hang = hang };
        app.MapPost("/api/v2/spans", collector.ReceiveAsync);
        await app.StartAsync().DefaultTimeout();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        collector.Endpoint = address + "/api/v2/spans";
        return collector;
    }

    /// <summary>Waits for the next span POSTed.</summary>
    public async Task<JsonElement> NextSpanAsync() => await _spans.Reader.ReadAsync().AsTask().DefaultTimeout();

    /// <summary>Spans received so far and not read yet.</summary>
    public int Pending => _spans.Reader.Count;

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        Posts++;
        using var document = await JsonDocument.ParseAsync(request.Body);
        foreach (var span in document.RootElement.EnumerateArray())
        {
            _spans.Writer.TryWrite(span.Clone());
        }

        if (Hang)
        {
            await _release.Task;
        }

        return Results.StatusCode((int)HttpStatusCode.Accepted);
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        await _app.StopAsync().DefaultTimeout();
        await _app.DisposeAsync();
    }
}
