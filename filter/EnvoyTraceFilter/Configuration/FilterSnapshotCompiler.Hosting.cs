namespace EnvoyTraceFilter.Configuration;

/// <summary>Listener, admin and shutdown settings: read once at start, checked with the rest.</summary>
public static partial class FilterSnapshotCompiler
{
    private static readonly TimeSpan MaxIdleTimeout = TimeSpan.FromDays(1);
    private static readonly TimeSpan MaxKeepAlivePingTimeout = TimeSpan.FromHours(1);

    private static void ValidateHosting(TraceFilterOptions options, List<string> errors)
    {
        var admin = options.Admin;
        if (admin.Enabled)
        {
            if (admin.Port is < 0 or > 65535)
            {
                errors.Add($"{Root}:Admin:Port must be between 1 and 65535 (0 picks a free port); was {admin.Port}.");
            }
            else if (admin.Port != 0 && admin.Port == options.Port)
            {
                errors.Add($"{Root}:Admin:Port {admin.Port} is also {Root}:Port; the admin listener (HTTP/1.1) needs a port of its own.");
            }

            if (admin.ListenAddress != "*" && !System.Net.IPAddress.TryParse(admin.ListenAddress, out _))
            {
                errors.Add($"{Root}:Admin:ListenAddress '{admin.ListenAddress}' is not an IP address; use an address such as 127.0.0.1 or \"*\" for all interfaces.");
            }
        }

        if (options.Shutdown.DrainDelay < TimeSpan.Zero)
        {
            errors.Add($"{Root}:Shutdown:DrainDelay must be 00:00:00 or more; was {options.Shutdown.DrainDelay}.");
        }

        if (options.Shutdown.GracePeriod < TimeSpan.Zero)
        {
            errors.Add($"{Root}:Shutdown:GracePeriod must be 00:00:00 or more; was {options.Shutdown.GracePeriod}.");
        }

        if (options.IdleTimeout <= TimeSpan.Zero || options.IdleTimeout > MaxIdleTimeout)
        {
            errors.Add($"{Root}:IdleTimeout must be positive and at most {MaxIdleTimeout} (default 00:02:10; a connection with no open stream is closed after it); was {options.IdleTimeout}.");
        }

        if (options.KeepAlivePingDelay < TimeSpan.Zero || options.KeepAlivePingDelay > MaxIdleTimeout)
        {
            errors.Add($"{Root}:KeepAlivePingDelay must be between 00:00:00 (off) and {MaxIdleTimeout} (default 00:01:00); was {options.KeepAlivePingDelay}.");
        }

        if (options.KeepAlivePingTimeout <= TimeSpan.Zero || options.KeepAlivePingTimeout > MaxKeepAlivePingTimeout)
        {
            errors.Add($"{Root}:KeepAlivePingTimeout must be positive and at most {MaxKeepAlivePingTimeout} (default 00:00:20); was {options.KeepAlivePingTimeout}.");
        }

        if (options.MaxConnections is < 1)
        {
            errors.Add($"{Root}:MaxConnections must be 1 or more, or unset for no cap; was {options.MaxConnections}.");
        }

        if (options.MaxConnectionAge is { } age && age <= TimeSpan.Zero)
        {
            errors.Add($"{Root}:MaxConnectionAge must be positive (e.g. 00:05:00), or unset to keep connections open; was {age}.");
        }
    }
}
