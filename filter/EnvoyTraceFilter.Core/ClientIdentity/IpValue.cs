using System.Buffers.Binary;
using System.Globalization;
using System.Net;

namespace EnvoyTraceFilter.Core.ClientIdentity;

/// <summary>An IPv4 or IPv6 address as bits, so parsing and trust checks allocate nothing.</summary>
internal readonly record struct IpValue(UInt128 Bits, bool IsV6)
{
    public static IpValue V4(uint bits) => new(bits, IsV6: false);

    public static IpValue FromAddress(IPAddress address)
    {
        // Callers unwrap IPv4-mapped IPv6 first, so each address has exactly one family here.
        Span<byte> bytes = stackalloc byte[16];
        _ = address.TryWriteBytes(bytes, out var written);
        return written == 4
            ? V4(BinaryPrimitives.ReadUInt32BigEndian(bytes))
            : new IpValue(BinaryPrimitives.ReadUInt128BigEndian(bytes), IsV6: true);
    }

    /// <summary>The text <see cref="IPAddress.ToString"/> would give; only the chosen client pays for it.</summary>
    public string ToCanonicalString()
    {
        if (!IsV6)
        {
            var v = (uint)Bits;
            return string.Create(
                CultureInfo.InvariantCulture,
                stackalloc char[15],
                $"{v >> 24}.{(v >> 16) & 0xFF}.{(v >> 8) & 0xFF}.{v & 0xFF}");
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Bits);
        return new IPAddress(bytes).ToString();
    }
}
