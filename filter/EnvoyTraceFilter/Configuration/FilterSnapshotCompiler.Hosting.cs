namespace EnvoyTraceFilter.Configuration;

/// <summary>Listener, admin and shutdown settings: read once at start, checked with the rest.</summary>
public static partial class FilterSnapshotCompiler
{
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

        if (options.MaxConnectionAge is { } age && age <= TimeSpan.Zero)
        {
            errors.Add($"{Root}:MaxConnectionAge must be positive (e.g. 00:05:00), or unset to keep connections open; was {age}.");
        }
    }
}
