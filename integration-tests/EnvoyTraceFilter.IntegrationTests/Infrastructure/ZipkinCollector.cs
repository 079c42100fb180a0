using System.Collections.Concurrent;
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

/// <summary>
/// A real HTTP listener on 127.0.0.1 that receives Zipkin v2 POSTs, as a Zipkin server would: on a free port or on a
/// given one (a collector coming back where a dead one was). A test can switch its behaviour (<see cref="Fault"/>)
/// while the filter sends to it. Spans it keeps are read in order (<see cref="NextSpanAsync"/>) or waited for by
/// trace id (<see cref="WaitForTraceIdsAsync"/>).
/// </summary>
public sealed class ZipkinCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<JsonElement> _spans = Channel.CreateUnbounded<JsonElement>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TraceIdArrivals _traceIds = new();
    private readonly ConcurrentDictionary<string, int> _connections = new(StringComparer.Ordinal);
    private int _fault;
    private int _posts;
    private int _failedPosts;
    private int _hungPosts;
    private int _kept;

    private ZipkinCollector(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public string Endpoint => $"http://127.0.0.1:{Port}/api/v2/spans";

    public ZipkinFault Fault
    {
        get => (ZipkinFault)Volatile.Read(ref _fault);
        set => Volatile.Write(ref _fault, (int)value);
    }

    public TimeSpan SlowDelay { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>POSTs received, whatever the answer.</summary>
    public int Posts => Volatile.Read(ref _posts);

    /// <summary>POSTs answered 500.</summary>
    public int FailedPosts => Volatile.Read(ref _failedPosts);

    /// <summary>POSTs held without an answer (<see cref="ZipkinFault.HangAfterRead"/>).</summary>
    public int HungPosts => Volatile.Read(ref _hungPosts);

    /// <summary>Spans kept (answered 202).</summary>
    public int Spans => Volatile.Read(ref _kept);

    /// <summary>Distinct TCP connections the POSTs came on.</summary>
    public int Connections => _connections.Count;

    /// <summary>Spans kept and not read yet.</summary>
    public int Pending => _spans.Reader.Count;

    public static async Task<ZipkinCollector> StartAsync(ZipkinFault fault = ZipkinFault.None, int port = 0, TimeSpan? slowDelay = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var collector = new ZipkinCollector(app) { SlowDelay = slowDelay ?? TimeSpan.FromSeconds(3), Fault = fault };
        app.MapPost("/api/v2/spans", collector.ReceiveAsync);
        await app.StartAsync().DefaultTimeout();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        collector.Port = new Uri(address).Port;
        return collector;
    }

    /// <summary>Waits for the next span kept.</summary>
    public async Task<JsonElement> NextSpanAsync() => await _spans.Reader.ReadAsync().AsTask().DefaultTimeout();

    /// <summary>Completes when a span of every given trace id (32 hex) has been kept.</summary>
    public Task WaitForTraceIdsAsync(IEnumerable<string> traceIds) => _traceIds.WaitForAsync(traceIds);

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        Interlocked.Increment(ref _posts);
        _connections.TryAdd(request.HttpContext.Connection.Id, 0);
        using var document = await JsonDocument.ParseAsync(request.Body);
        switch (Fault)
        {
            case ZipkinFault.Status500:
                Interlocked.Increment(ref _failedPosts);
                return Results.StatusCode((int)HttpStatusCode.InternalServerError);
            case ZipkinFault.HangAfterRead:
                Interlocked.Increment(ref _hungPosts);
                try
                {
                    await Task.Delay(Timeout.Infinite, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                }

                return Results.StatusCode((int)HttpStatusCode.ServiceUnavailable);
            case ZipkinFault.Slow:
                try
                {
                    await Task.Delay(SlowDelay, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                }

                break;
        }

        Keep(document.RootElement);
        return Results.StatusCode((int)HttpStatusCode.Accepted);
    }

    private void Keep(JsonElement spans)
    {
        foreach (var span in spans.EnumerateArray())
        {
            Interlocked.Increment(ref _kept);
            _spans.Writer.TryWrite(span.Clone());
            _traceIds.Add(span.GetProperty("traceId").GetString()!);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync().DefaultTimeout();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
