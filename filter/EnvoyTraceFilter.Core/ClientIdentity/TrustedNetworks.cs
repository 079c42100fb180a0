using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace EnvoyTraceFilter.Core.ClientIdentity;

/// <summary><see cref="IPNetwork"/> list compiled to prefix/mask pairs, so a per-request check allocates nothing.</summary>
internal sealed class TrustedNetworks
{
    private readonly (uint Prefix, uint Mask)[] _v4;
    private readonly (UInt128 Prefix, UInt128 Mask)[] _v6;

    public TrustedNetworks(IEnumerable<IPNetwork> networks)
    {
        var v4 = new List<(uint, uint)>();
        var v6 = new List<(UInt128, UInt128)>();
        Span<byte> bytes = stackalloc byte[16];
        foreach (var network in networks)
        {
            var address = network.BaseAddress;
            var length = network.PrefixLength;
            if (address.AddressFamily == AddressFamily.InterNetworkV6 && address.IsIPv4MappedToIPv6 && length >= 96)
            {
                // Entries are unwrapped to IPv4 before the check, so a ::ffff:a.b.c.d/n network must be too.
                address = address.MapToIPv4();
                length -= 96;
            }

            _ = address.TryWriteBytes(bytes, out var written);
            if (written == 4)
            {
                var mask = length == 0 ? 0u : uint.MaxValue << (32 - length);
                v4.Add((BinaryPrimitives.ReadUInt32BigEndian(bytes) & mask, mask));
            }
            else
            {
                var mask = length == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - length);
                v6.Add((BinaryPrimitives.ReadUInt128BigEndian(bytes) & mask, mask));
            }
        }

        _v4 = [.. v4];
        _v6 = [.. v6];
    }

    public bool Contains(IpValue ip)
    {
        if (!ip.IsV6)
        {
            var bits = (uint)ip.Bits;
            foreach (var (prefix, mask) in _v4)
            {
                if ((bits & mask) == prefix)
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var (prefix, mask) in _v6)
        {
            if ((ip.Bits & mask) == prefix)
            {
                return true;
            }
        }

        return false;
    }
}
