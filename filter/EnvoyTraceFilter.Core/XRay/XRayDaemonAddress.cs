using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EnvoyTraceFilter.Core.XRay;

/// <summary>
/// The UDP endpoint of the X-Ray daemon, parsed with <c>AWS_XRAY_DAEMON_ADDRESS</c> semantics:
/// <c>host:port</c>, or <c>tcp:host:port udp:host:port</c> in either order (only the UDP part is kept, since
/// segments go over UDP). Unlike Envoy's X-Ray tracer, DNS names are accepted (envoy#27570); the caller
/// resolves them off the request path.
/// </summary>
public sealed record XRayDaemonAddress
{
    public const string DefaultValue = "127.0.0.1:2000";

    public const string ExpectedForm = "host:port or 'tcp:host:port udp:host:port'";

    // RFC 1123 caps a name at 253 characters; anything longer cannot resolve.
    private const int MaxHostLength = 253;

    private XRayDaemonAddress(string host, int port, IPAddress? literal)
    {
        Host = host;
        Port = port;
        IpLiteral = literal;
    }

    public static XRayDaemonAddress Default { get; } = new("127.0.0.1", 2000, IPAddress.Loopback);

    /// <summary>Host as written, without IPv6 brackets.</summary>
    public string Host { get; }

    public int Port { get; }

    /// <summary>The address when <see cref="Host"/> is an IP literal; null for a DNS name that must be resolved.</summary>
    public IPAddress? IpLiteral { get; }

    public bool IsDnsName => IpLiteral is null;

    public override string ToString() =>
        IpLiteral?.AddressFamily == AddressFamily.InterNetworkV6
            ? string.Create(CultureInfo.InvariantCulture, $"[{Host}]:{Port}")
            : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");

    /// <summary>
    /// Parses <paramref name="value"/>. On failure <paramref name="error"/> names the value and the expected form,
    /// ready for a configuration validator to prefix with the setting's key.
    /// </summary>
    public static bool TryParse(
        string? value,
        [NotNullWhen(true)] out XRayDaemonAddress? address,
        [NotNullWhen(false)] out string? error)
    {
        address = null;
        var parts = (value ?? string.Empty).Split(
            (char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? reason;
        switch (parts.Length)
        {
            case 1 when HasProtocolPrefix(parts[0]):
                reason = "a 'tcp:' or 'udp:' part needs its partner ('tcp:host:port udp:host:port')";
                break;
            case 1:
                reason = TryParseHostPort(parts[0], out address);
                break;
            case 2:
                reason = TryParsePair(parts[0], parts[1], out address);
                break;
            default:
                reason = parts.Length == 0 ? "it is empty" : "it has more than two parts";
                break;
        }

        error = reason is null ? null : $"'{value}' is not {ExpectedForm}: {reason}";
        return reason is null;
    }

    private static bool HasProtocolPrefix(string part) =>
        part.StartsWith("udp:", StringComparison.OrdinalIgnoreCase) ||
        part.StartsWith("tcp:", StringComparison.OrdinalIgnoreCase);

    private static string? TryParsePair(string first, string second, out XRayDaemonAddress? address)
    {
        address = null;
        var (udp, tcp) = first.StartsWith("udp:", StringComparison.OrdinalIgnoreCase) ? (first, second) : (second, first);
        if (!udp.StartsWith("udp:", StringComparison.OrdinalIgnoreCase) ||
            !tcp.StartsWith("tcp:", StringComparison.OrdinalIgnoreCase))
        {
            return "two parts need one 'tcp:' and one 'udp:' prefix";
        }

        // The TCP part (sampling API) is not used here, but a malformed one is still a configuration error.
        var tcpReason = TryParseHostPort(tcp[4..], out _);
        return tcpReason is not null ? "tcp part: " + tcpReason : TryParseHostPort(udp[4..], out address);
    }

    private static string? TryParseHostPort(string text, out XRayDaemonAddress? address)
    {
        address = null;
        string host;
        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                return "an IPv6 address must be written [address]:port";
            }

            host = text[1..close];
            portText = text[(close + 2)..];
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return $"'{host}' is not an IPv6 address";
            }

            return TryMake(host, portText, v6, out address);
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0)
        {
            return "host and port must be separated by ':'";
        }

        host = text[..colon];
        portText = text[(colon + 1)..];
        if (host.Contains(':', StringComparison.Ordinal))
        {
            return "an IPv6 address must be written [address]:port";
        }

        if (IsIPv4Literal(host))
        {
            return IPAddress.TryParse(host, out var v4)
                ? TryMake(host, portText, v4, out address)
                : $"'{host}' is not an IPv4 address";
        }

        return IsValidHostName(host) ? TryMake(host, portText, null, out address) : $"'{host}' is not a valid host name";
    }

    private static string? TryMake(string host, string portText, IPAddress? literal, out XRayDaemonAddress? address)
    {
        address = null;
        if (portText.Length is 0 or > 5 || !portText.All(char.IsAsciiDigit) ||
            !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ||
            port is < 1 or > 65535)
        {
            return $"port '{portText}' is not a number from 1 to 65535";
        }

        address = new XRayDaemonAddress(host, port, literal);
        return null;
    }

    // Dotted digits only: IPAddress.TryParse alone would also accept "1" or "0x7f.1" as IPv4.
    private static bool IsIPv4Literal(string host) =>
        host.All(c => char.IsAsciiDigit(c) || c == '.') && host.Count(c => c == '.') == 3;

    private static bool IsValidHostName(string host)
    {
        if (host.Length is 0 or > MaxHostLength || host == ".")
        {
            return false;
        }

        foreach (var label in host.TrimEnd('.').Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' ||
                !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }
        }

        // An all-numeric name is a mistyped IPv4 address, not a host someone can resolve.
        return !host.All(c => char.IsAsciiDigit(c) || c == '.');
    }
}
