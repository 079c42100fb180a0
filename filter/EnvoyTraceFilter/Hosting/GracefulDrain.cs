using System.Diagnostics;
using EnvoyTraceFilter.Admin;
using EnvoyTraceFilter.Configuration;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;

namespace EnvoyTraceFilter.Hosting;

/// <summary>
/// What SIGTERM (or Ctrl-C) does, in order: readiness false; keep accepting for DrainDelay; close the listeners
/// and send GOAWAY (Kestrel's graceful stop); let streams in flight finish within GracePeriod; stop the exporters,
/// each flushing within its ShutdownDrainTimeout; return so the process exits 0. The server is stopped here,
/// before the host stops its hosted services, so no exporter stops while a stream can still hand it a span.
/// </summary>
internal static class GracefulDrain
{
    public static async Task RunUntilStoppedAsync(WebApplication app)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        if (!stopping.IsCancellationRequested)
        {
            var signalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await using (stopping.Register(() => signalled.TrySetResult()).ConfigureAwait(false))
            {
                await signalled.Task.ConfigureAwait(false);
            }
        }

        var options = app.Services.GetRequiredService<IOptions<TraceFilterOptions>>().Value.Shutdown;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GracefulDrain).FullName!);
        app.Services.GetRequiredService<Readiness>().MarkDraining();
        HostingLog.DrainStarted(logger, options.DrainDelay);
        await Task.Delay(options.DrainDelay).ConfigureAwait(false);

        HostingLog.StoppingListeners(logger, options.GracePeriod);
        var watch = Stopwatch.StartNew();
        using (var grace = new CancellationTokenSource(options.GracePeriod))
        {
            await app.Services.GetRequiredService<IServer>().StopAsync(grace.Token).ConfigureAwait(false);
            if (grace.IsCancellationRequested)
            {
                HostingLog.GracePeriodExceeded(logger, options.GracePeriod);
            }
            else
            {
                HostingLog.ListenersStopped(logger, watch.Elapsed);
            }
        }

        // Stops the hosted services (the server's second stop is a no-op): each exporter sends what is queued.
        await app.StopAsync().ConfigureAwait(false);
        HostingLog.Stopped(logger);
    }
}
