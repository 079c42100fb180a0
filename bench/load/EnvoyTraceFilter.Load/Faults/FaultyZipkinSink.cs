using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EnvoyTraceFilter.Load.Faults;

/// <summary>What the faulty Zipkin endpoint does with each POST (after reading it).</summary>
internal enum ZipkinSinkFault
{
    Hang,
    Status500,
    Slow,
}

/// <summary>A Zipkin endpoint on a free loopback port that reads each POST and then hangs, answers 500, or answers late.</summary>
internal sealed class FaultyZipkinSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private long _posts;

    private FaultyZipkinSink(WebApplication app) => _app = app;

    public int Port { get; private init; }

    public long Posts => Interlocked.Read(ref _posts);

    public static async Task<FaultyZipkinSink> StartAsync(ZipkinSinkFault fault, TimeSpan slowDelay)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FaultyZipkinSink? sink = null;
        app.MapPost("/api/v2/spans", async (HttpContext context) =>
        {
            Interlocked.Increment(ref sink!._posts);
            await context.Request.Body.CopyToAsync(Stream.Null).ConfigureAwait(false);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(sink._stopping.Token, context.RequestAborted);
            try
            {
                switch (fault)
                {
                    case ZipkinSinkFault.Hang:
                        await Task.Delay(Timeout.Infinite, linked.Token).ConfigureAwait(false);
                        break;
                    case ZipkinSinkFault.Slow:
                        await Task.Delay(slowDelay, linked.Token).ConfigureAwait(false);
                        return Results.StatusCode(StatusCodes.Status202Accepted);
                }
            }
            catch (OperationCanceledException)
            {
                // the client gave up (its timeout) or the sink stops
            }

            return Results.StatusCode(StatusCodes.Status500InternalServerError);
        });
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        sink = new FaultyZipkinSink(app) { Port = new Uri(address).Port };
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}
