namespace EnvoyTraceFilter.Core.Naming;

/// <summary>
/// Turns <c>:authority</c> bytes into the host used for matching and naming: port and IPv6 brackets removed, one
/// trailing dot removed, ASCII lower-cased. Anything a real client would not send is <see cref="ServiceNameFallbackReason.ForgedHost"/>.
/// </summary>
internal static class HostNormalizer
{
    /// <summary>RFC 1035 limit for a name without its trailing dot.</summary>
    public const int MaxHostLength = 253;

    /// <summary>Host + trailing dot + ":65535"; also the size of the caller's buffer.</summary>
    public const int MaxAuthorityLength = MaxHostLength + 1 + 6;

    public static ServiceNameFallbackReason Normalize(ReadOnlySpan<byte> authority, Span<char> destination, out int length)
    {
        length = 0;
        if (authority.IsEmpty)
        {
            return ServiceNameFallbackReason.NoHost;
        }

        if (authority.Length > MaxAuthorityLength)
        {
            return ServiceNameFallbackReason.ForgedHost;
        }

        ReadOnlySpan<byte> host;
        bool ipLiteral;
        if (authority[0] == (byte)'[')
        {
            var close = authority.IndexOf((byte)']');
            if (close < 0 || !IsPortSuffix(authority[(close + 1)..]))
            {
                return ServiceNameFallbackReason.ForgedHost;
            }

            host = authority[1..close];
            ipLiteral = true;
        }
        else
        {
            var colon = authority.LastIndexOf((byte)':');
            if (colon >= 0 && !IsPortSuffix(authority[colon..]))
            {
                return ServiceNameFallbackReason.ForgedHost;
            }

            host = colon >= 0 ? authority[..colon] : authority;
            if (!host.IsEmpty && host[^1] == (byte)'.')
            {
                // "example.com." is the same DNS name as "example.com"; one name, one service.
                host = host[..^1];
            }

            ipLiteral = false;
        }

        if (!(ipLiteral ? IsIPv6Literal(host) : IsRegName(host)))
        {
            return ServiceNameFallbackReason.ForgedHost;
        }

        for (var i = 0; i < host.Length; i++)
        {
            var c = host[i];
            destination[i] = (char)(c is >= (byte)'A' and <= (byte)'Z' ? c | 0x20 : c);
        }

        length = host.Length;
        return ServiceNameFallbackReason.None;
    }

    /// <summary>Empty, or ':' followed by 1..5 digits up to 65535 (an empty port "host:" is treated as forged).</summary>
    private static bool IsPortSuffix(ReadOnlySpan<byte> suffix)
    {
        if (suffix.IsEmpty)
        {
            return true;
        }

        if (suffix[0] != (byte)':' || suffix.Length is < 2 or > 6)
        {
            return false;
        }

        var port = 0;
        foreach (var c in suffix[1..])
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            port = (port * 10) + (c - '0');
        }

        return port <= ushort.MaxValue;
    }

    /// <summary>Letters, digits, '-', '.', '_' in non-empty dot-separated labels; no non-ASCII (IDNs arrive as xn--).</summary>
    private static bool IsRegName(ReadOnlySpan<byte> host)
    {
        if (host.IsEmpty || host.Length > MaxHostLength || host[0] == (byte)'.' || host[^1] == (byte)'.' || host.IndexOf(".."u8) >= 0)
        {
            return false;
        }

        foreach (var c in host)
        {
            if (!(char.IsAsciiLetterOrDigit((char)c) || c is (byte)'-' or (byte)'.' or (byte)'_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Hex digits, ':' and '.' (embedded IPv4) with at least two colons; zone ids ('%') are rejected.</summary>
    private static bool IsIPv6Literal(ReadOnlySpan<byte> host)
    {
        if (host.Length is < 2 or > 45 || host.Count((byte)':') < 2)
        {
            return false;
        }

        foreach (var c in host)
        {
            if (!(char.IsAsciiHexDigit((char)c) || c is (byte)':' or (byte)'.'))
            {
                return false;
            }
        }

        return true;
    }
}
