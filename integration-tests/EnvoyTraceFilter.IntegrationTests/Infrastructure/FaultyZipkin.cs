using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>What a <see cref="FaultyZipkin"/> does with each POST.</summary>
public enum ZipkinFault
{
    /// <summary>Reads the spans and answers 202, as Zipkin does.</summary>
    None,

    /// <summary>Reads the request and answers 500 (the spans are not kept).</summary>
    Status500,

    /// <summary>Reads the request, waits <see cref="FaultyZipkin.SlowDelay"/>, then keeps the spans and answers 202.</summary>
    Slow,

    /// <summary>Reads the request and never answers (until the collector is disposed).</summary>
    HangAfterRead,
}

/// <summary>
/// A Zipkin v2 endpoint on 127.0.0.1 whose behaviour a test switches while the filter sends to it; started on a
/// free port or on a given one (a collector coming back where a dead one was). Spans it keeps are indexed by trace id.
/// </summary>
public sealed class FaultyZipkin : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, int> _traceIds = new(StringComparer.Ordinal);
    private readonly List<(HashSet<string> Wanted, TaskCompletionSource Done)> _waiters = [];
    private int _fault;
    private int _posts;
    private int _failedPosts;
    private int _hungPosts;
    private int _spans;

    private FaultyZipkin(WebApplication app) => _app = app;

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
    public int Spans => Volatile.Read(ref _spans);

    public static async Task<FaultyZipkin> StartAsync(ZipkinFault fault, int port = 0, TimeSpan? slowDelay = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var collector = new FaultyZipkin(app) { SlowDelay = slowDelay ?? TimeSpan.FromSeconds(3) };
        collector.Fault = fault;
        app.MapPost("/api/v2/spans", collector.ReceiveAsync);
        await app.StartAsync().DefaultTimeout();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        collector.Port = new Uri(address).Port;
        return collector;
    }

    /// <summary>Completes when a span of every given trace id (32 hex) has been kept.</summary>
    public Task WaitForTraceIdsAsync(IEnumerable<string> traceIds)
    {
        var waiter = (Wanted: new HashSet<string>(traceIds, StringComparer.Ordinal), Done: new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        lock (_waiters)
        {
            waiter.Wanted.RemoveWhere(_traceIds.ContainsKey);
            if (waiter.Wanted.Count == 0)
            {
                return Task.CompletedTask;
            }

            _waiters.Add(waiter);
        }

        return waiter.Done.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        Interlocked.Increment(ref _posts);
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
            Interlocked.Increment(ref _spans);
            _traceIds.TryAdd(span.GetProperty("traceId").GetString()!, 0);
        }

        lock (_waiters)
        {
            foreach (var waiter in _waiters.ToList())
            {
                waiter.Wanted.RemoveWhere(_traceIds.ContainsKey);
                if (waiter.Wanted.Count == 0)
                {
                    waiter.Done.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
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
