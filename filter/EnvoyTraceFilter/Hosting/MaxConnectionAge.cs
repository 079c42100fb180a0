using EnvoyTraceFilter.Telemetry;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EnvoyTraceFilter.Hosting;

/// <summary>
/// Kestrel has no maximum connection age. This connection middleware asks each ext_proc connection to close once
/// it is <c>MaxConnectionAge</c> old (±10 % so the connections of one restart don't all cycle together): Kestrel then
/// sends GOAWAY, lets the streams in flight finish and closes, and Envoy opens a new connection, which its load
/// balancing may put on another replica. Nothing is aborted.
/// </summary>
internal static class MaxConnectionAge
{
    public static void Apply(ListenOptions listen, TimeSpan age)
    {
        listen.Use(next => async connection =>
        {
            var lifetime = connection.Features.Get<IConnectionLifetimeNotificationFeature>();
            if (lifetime is null)
            {
                await next(connection).ConfigureAwait(false);
                return;
            }

            var metrics = listen.ApplicationServices.GetRequiredService<FilterMetrics>();
            var state = (lifetime, metrics);
            await using var timer = new Timer(static s =>
            {
                var (feature, counter) = ((IConnectionLifetimeNotificationFeature, FilterMetrics))s!;
                counter.ConnectionAged();
                feature.RequestClose();
            }, state, Jittered(age), Timeout.InfiniteTimeSpan).ConfigureAwait(false);
            await next(connection).ConfigureAwait(false);
        });
    }

    internal static TimeSpan Jittered(TimeSpan age) =>
        TimeSpan.FromTicks((long)(age.Ticks * (0.9 + (0.2 * Random.Shared.NextDouble()))));
}
