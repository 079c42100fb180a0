using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace EnvoyTraceFilter.Hosting;

/// <summary>
/// The two Kestrel listeners: ext_proc (h2c) and admin (HTTP/1.1). Kestrel writes the bound port back into the
/// listen options, so after start the ports are known even when configured as 0.
/// </summary>
public sealed class ListenerEndpoints
{
    internal ListenOptions? ExtProc { get; set; }

    internal ListenOptions? Admin { get; set; }

    /// <summary>The bound ext_proc port; null before binding (or when the host has no Kestrel, as in tests).</summary>
    public int? ExtProcPort => BoundPort(ExtProc);

    /// <summary>The bound admin port; null when the admin listener is disabled or not bound yet.</summary>
    public int? AdminPort => BoundPort(Admin);

    /// <summary>True for a connection accepted by the admin listener.</summary>
    public bool IsAdmin(int localPort) => AdminPort is { } admin && admin == localPort;

    private static int? BoundPort(ListenOptions? listen) => listen?.EndPoint is IPEndPoint { Port: > 0 } ip ? ip.Port : null;
}
