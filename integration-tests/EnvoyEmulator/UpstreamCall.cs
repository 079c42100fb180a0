namespace EnvoyEmulator;

/// <summary>
/// Runs the upstream while the ext_proc stream stays live: anything the server sends or does meanwhile is
/// handled as Envoy's event loop would (unsolicited answers are spurious, closes and errors end processing;
/// a fail-closed error answers the client and resets the upstream request).
/// </summary>
internal sealed class UpstreamCall(ExtProcFilter filter)
{
    public async Task<(UpstreamResponse? Response, LocalReply? Reply)> RunAsync(
        UpstreamRequest request, UpstreamHandler upstream)
    {
        using var reset = new CancellationTokenSource();
        var upstreamTask = upstream(request, reset.Token);
        while (filter.ActiveStream is { } stream)
        {
            using var stopWaiting = new CancellationTokenSource();
            var eventTask = stream.WhenEventAsync(stopWaiting.Token);
            var first = await Task.WhenAny(upstreamTask, eventTask).ConfigureAwait(false);
            if (first == upstreamTask)
            {
                await stopWaiting.CancelAsync().ConfigureAwait(false);
                await eventTask.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
                break;
            }

            if (stream.Poll() is { } next
                && (await filter.HandleIdleEventAsync(next).ConfigureAwait(false)).Reply is { } reply)
            {
                await reset.CancelAsync().ConfigureAwait(false);
                await upstreamTask.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
                return (null, reply);
            }
        }

        var response = await upstreamTask.ConfigureAwait(false);
        // Events that arrived before the response headers are processed first, as in Envoy's event loop.
        while (filter.ActiveStream is { } stream && stream.Poll() is { } next)
        {
            if ((await filter.HandleIdleEventAsync(next).ConfigureAwait(false)).Reply is { } reply)
            {
                return (null, reply);
            }
        }

        return (response, null);
    }
}
