using EnvoyTraceFilter.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EnvoyTraceFilter.Hosting;

/// <summary>
/// <c>MaxConnections</c>: at most this many ext_proc connections at once; a connection beyond it is closed as soon
/// as it is accepted, and counted. On the ext_proc listener only: Kestrel's own MaxConcurrentConnections counts every
/// listener together, so a flood on the ext_proc port would also lock the kubelet's probes out of the admin port.
/// </summary>
internal static class ConnectionCap
{
    public static void Apply(ListenOptions listen, int max)
    {
        var open = 0;
        listen.Use(next => async connection =>
        {
            if (Interlocked.Increment(ref open) > max)
            {
                Interlocked.Decrement(ref open);
                listen.ApplicationServices.GetRequiredService<FilterMetrics>().ConnectionRejected();
                connection.Abort();
                return;
            }

            try
            {
                await next(connection).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref open);
            }
        });
    }
}
