using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace EnvoyTraceFilter.Core.ClientIdentity;

/// <summary>
/// Parses one address as it appears in XFF entries and in Envoy's <c>source.address</c>: <c>1.2.3.4</c>,
/// <c>1.2.3.4:80</c>, <c>2001:db8::1</c>, <c>[2001:db8::1]</c>, <c>[2001:db8::1]:443</c>, surrounding SP/HTAB allowed.
/// Everything else (zone ids, hostnames, <c>unknown</c>, RFC 7239 <c>_obfuscated</c>, quotes, octal/short IPv4) is rejected.
/// </summary>
internal static class IpEndpointParser
{
    /// <summary>"[" + 45-char IPv6 + "]:65535" is 53; anything longer is not an address.</summary>
    public const int MaxLength = 64;

    private const int MaxIPv6TextLength = 45;

    private static readonly SearchValues<char> IPv6Chars = SearchValues.Create("0123456789abcdefABCDEF:.");

    /// <summary>ASCII bytes of one XFF entry; non-printable or non-ASCII bytes make it garbage.</summary>
    public static bool TryParse(ReadOnlySpan<byte> entry, out IpValue ip)
    {
        ip = default;
        entry = entry.Trim(" \t"u8);
        if (entry.IsEmpty || entry.Length > MaxLength)
        {
            return false;
        }

        Span<char> chars = stackalloc char[MaxLength];
        for (var i = 0; i < entry.Length; i++)
        {
            if (entry[i] is < 0x21 or > 0x7E)
            {
                return false;
            }

            chars[i] = (char)entry[i];
        }

        return TryParse(chars[..entry.Length], out ip, out _);
    }

    /// <param name="port">The port, or -1 when the text has none.</param>
    public static bool TryParse(ReadOnlySpan<char> text, out IpValue ip, out int port)
    {
        ip = default;
        port = -1;
        text = text.Trim(" \t");
        if (text.IsEmpty || text.Length > MaxLength)
        {
            return false;
        }

        if (text[0] == '[')
        {
            var close = text.IndexOf(']');
            if (close < 0)
            {
                return false;
            }

            var rest = text[(close + 1)..];
            if (!rest.IsEmpty && (rest[0] != ':' || !TryParsePort(rest[1..], out port)))
            {
                return false;
            }

            return TryParseV6(text[1..close], out ip);
        }

        var firstColon = text.IndexOf(':');
        if (firstColon < 0)
        {
            return TryParseV4(text, out ip);
        }

        if (text.LastIndexOf(':') == firstColon)
        {
            return TryParsePort(text[(firstColon + 1)..], out port) && TryParseV4(text[..firstColon], out ip);
        }

        // Two or more colons: a bare IPv6 literal, which cannot carry a port without brackets.
        return TryParseV6(text, out ip);
    }

    private static bool TryParsePort(ReadOnlySpan<char> text, out int port)
    {
        port = 0;
        if (text.IsEmpty || text.Length > 5)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            port = (port * 10) + (c - '0');
        }

        return port <= ushort.MaxValue;
    }

    /// <summary>Strict dotted quad: four decimal parts 0..255, no leading zeros (which inet_aton would read as octal).</summary>
    private static bool TryParseV4(ReadOnlySpan<char> text, out IpValue ip)
    {
        ip = default;
        uint bits = 0;
        var parts = 0;
        while (true)
        {
            var dot = text.IndexOf('.');
            var part = dot < 0 ? text : text[..dot];
            if (part.IsEmpty || part.Length > 3 || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }

            uint value = 0;
            foreach (var c in part)
            {
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }

                value = (value * 10) + (uint)(c - '0');
            }

            if (value > 255 || ++parts > 4)
            {
                return false;
            }

            bits = (bits << 8) | value;
            if (dot < 0)
            {
                break;
            }

            text = text[(dot + 1)..];
        }

        if (parts != 4)
        {
            return false;
        }

        ip = IpValue.V4(bits);
        return true;
    }

    private static bool TryParseV6(ReadOnlySpan<char> text, out IpValue ip)
    {
        ip = default;

        // The alphabet check rejects zone ids ('%'), brackets and hostnames before the BCL parser sees them.
        if (text.Length is < 2 or > MaxIPv6TextLength || text.ContainsAnyExcept(IPv6Chars)
            || !IPAddress.TryParse(text, out var address) || address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        ip = IpValue.FromAddress(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
        return true;
    }
}
