using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EnvoyEmulator;

/// <summary>Envoy's Network::Utility address predicates and formatting, as far as the HCM uses them.</summary>
internal static class AddressRules
{
    /// <summary>isLoopbackAddress: exactly 127.0.0.1 or ::1 (not all of 127/8).</summary>
    public static bool IsLoopback(IPAddress address) =>
        address.Equals(IPAddress.Loopback) || address.Equals(IPAddress.IPv6Loopback);

    /// <summary>
    /// Default internal_address_config: ≤1.32 RFC1918, 127.0.0.1, fd00::/8 and ::1; 1.33+ nothing (doc §1b).
    /// </summary>
    public static bool IsInternal(IPAddress address, EnvoyVersion version)
    {
        if (version.AtLeast(33))
        {
            return false;
        }

        if (IsLoopback(address))
        {
            return true;
        }

        var bytes = address.GetAddressBytes();
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => bytes[0] == 10 || (bytes[0] == 172 && (bytes[1] & 0xF0) == 16)
                || (bytes[0] == 192 && bytes[1] == 168),
            AddressFamily.InterNetworkV6 => bytes[0] == 0xFD,
            _ => false,
        };
    }

    /// <summary>
    /// getLastAddressFromXFF(headers, skip): the entry <paramref name="skip"/> places from the right, if it is a
    /// plain IP address (no port); else null.
    /// </summary>
    public static IPAddress? AddressFromXffRight(string xff, int skip)
    {
        var entries = xff.Split(',').Select(e => e.Trim()).ToArray();
        var index = entries.Length - 1 - skip;
        if (index < 0)
        {
            return null;
        }

        var entry = entries[index];
        // Envoy parses a bare address: "1.2.3.4:80" or "[::1]" are rejected.
        return entry.Length > 0 && !entry.Contains('[') && IPAddress.TryParse(entry, out var ip)
            && (ip.AddressFamily == AddressFamily.InterNetworkV6 || !entry.Contains(':'))
            ? ip
            : null;
    }

    /// <summary>Envoy's addressAsString (no port, IPv6 unbracketed).</summary>
    public static string AddressAsString(IPAddress address) => address.ToString();

    /// <summary>Envoy's asString for the source.address attribute: "ip:port", IPv6 bracketed.</summary>
    public static string WithPort(IPAddress address, int port) =>
        address.AddressFamily == AddressFamily.InterNetworkV6
            ? string.Create(CultureInfo.InvariantCulture, $"[{address}]:{port}")
            : string.Create(CultureInfo.InvariantCulture, $"{address}:{port}");
}
