using System.Net;
using System.Net.Sockets;

namespace EnvoyTraceFilter.Load.Suite;

internal static class FreePort
{
    /// <summary>A loopback port the kernel just handed out (free now; the server binds it right after).</summary>
    public static int Next()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
