namespace EnvoyTraceFilter.Configuration;

/// <summary>Settings under <c>TraceFilter:Admin</c>: the HTTP/1.1 listener for probes and metrics.</summary>
public sealed class AdminOptions
{
    public const int DefaultPort = 9901;

    /// <summary>Serve /healthz, /readyz and /metrics on their own port.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>TCP port of the admin listener; 0 picks a free port. Must differ from the ext_proc port.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>Address to listen on: an IP address, or "*" for all interfaces.</summary>
    public string ListenAddress { get; set; } = "*";
}
