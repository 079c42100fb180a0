using EnvoyTraceFilter.Telemetry;
using Grpc.Core;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EnvoyTraceFilter.Hosting;

/// <summary>
/// Kestrel has no maximum connection age. Once an ext_proc connection is <c>MaxConnectionAge</c> old (±10 %, so the
/// connections of one start don't all cycle together), it is asked to close through
/// <see cref="IConnectionLifetimeNotificationFeature.RequestClose"/>: Kestrel sends GOAWAY, lets the streams in
/// flight finish and closes, and Envoy opens a new connection, which its load balancing may put on another replica.
/// <para>
/// When to ask matters. Kestrel sends a first GOAWAY (no new streams) only while a stream is active, and the final
/// one (last stream id) as soon as none is: a stream the client opens in that instant would be refused, and Envoy
/// fails it open. So the close is requested by a stream that has just answered its request headers and still
/// waits for the response headers: it stays active at least for the upstream round trip, by which time the client
/// has read the first GOAWAY and opens new streams elsewhere. An aged connection that sees no such stream (idle, or
/// FinishStreamAfter=RequestHeaders) is closed by a timer a few seconds later.
/// </para>
/// </summary>
internal static class MaxConnectionAge
{
    private static readonly object Key = new();

    /// <summary>How long an aged connection waits for a stream to carry the close before closing anyway.</summary>
    internal static readonly TimeSpan IdleCloseDelay = TimeSpan.FromSeconds(5);

    private static volatile bool s_enabled;

    public static void Apply(ListenOptions listen, TimeSpan age)
    {
        s_enabled = true;
        listen.Use(next => async connection =>
        {
            var lifetime = connection.Features.Get<IConnectionLifetimeNotificationFeature>();
            if (lifetime is null)
            {
                await next(connection).ConfigureAwait(false);
                return;
            }

            var state = new AgedConnection(lifetime, listen.ApplicationServices.GetRequiredService<FilterMetrics>());
            connection.Items[Key] = state;
            var due = Jittered(age);
            await using var aged = new Timer(static s => ((AgedConnection)s!).MarkAged(), state, due, Timeout.InfiniteTimeSpan).ConfigureAwait(false);
            await using var idle = new Timer(static s => ((AgedConnection)s!).TryClose("idle"), state, due + IdleCloseDelay, Timeout.InfiniteTimeSpan).ConfigureAwait(false);
            await next(connection).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// Called by a stream that has answered its request headers and will stay open for the response headers:
    /// if its connection is past its age, this stream carries the close request.
    /// </summary>
    public static void OnStreamWaiting(ServerCallContext context)
    {
        if (s_enabled
            && context.GetHttpContext().Features.Get<IConnectionItemsFeature>()?.Items is { } items
            && items.TryGetValue(Key, out var value) && value is AgedConnection state)
        {
            state.TryClose("stream");
        }
    }

    internal static TimeSpan Jittered(TimeSpan age) =>
        TimeSpan.FromTicks((long)(age.Ticks * (0.9 + (0.2 * Random.Shared.NextDouble()))));

    private sealed class AgedConnection(IConnectionLifetimeNotificationFeature lifetime, FilterMetrics metrics)
    {
        private const int Young = 0, Aged = 1, Closing = 2;
        private int _state;

        public void MarkAged() => Interlocked.CompareExchange(ref _state, Aged, Young);

        public void TryClose(string how)
        {
            if (Interlocked.CompareExchange(ref _state, Closing, Aged) == Aged
                || (how == "idle" && Interlocked.CompareExchange(ref _state, Closing, Young) == Young))
            {
                metrics.ConnectionAged(how);
                lifetime.RequestClose();
            }
        }
    }
}
