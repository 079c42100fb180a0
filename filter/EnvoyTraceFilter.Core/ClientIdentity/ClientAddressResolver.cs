using System.Text;

namespace EnvoyTraceFilter.Core.ClientIdentity;

/// <summary>
/// Decides who the client of a request is. Built once from validated options; <see cref="Resolve"/> is thread-safe,
/// never throws, and allocates only the returned address text (plus one small object per IPv6 entry parsed).
/// </summary>
public sealed class ClientAddressResolver
{
    private readonly ClientAddressMode _mode;
    private readonly int _trustedHops;
    private readonly bool _preferSourceAddress;
    private readonly int _maxLength;
    private readonly int _maxEntries;
    private readonly TrustedNetworks _trusted;

    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public ClientAddressResolver(ClientAddressOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _mode = options.Mode;
        _trustedHops = options.TrustedHops;
        _preferSourceAddress = options.PreferSourceAddress;
        _maxLength = options.MaxForwardedForLength;
        _maxEntries = options.MaxForwardedForEntries;
        _trusted = new TrustedNetworks(options.TrustedNetworks);
    }

    /// <param name="sourceAddress">Envoy's <c>source.address</c> attribute (<c>ip:port</c>, <c>[v6]:port</c>); empty when absent.</param>
    /// <param name="forwardedFor">The <c>x-forwarded-for</c> value (repeated headers joined by Envoy); empty when absent.</param>
    /// <param name="envoyExternalAddress">The <c>x-envoy-external-address</c> value; empty when absent.</param>
    public ClientAddress Resolve(
        ReadOnlySpan<char> sourceAddress,
        ReadOnlySpan<byte> forwardedFor,
        ReadOnlySpan<byte> envoyExternalAddress) =>
        _mode == ClientAddressMode.XRay
            ? ResolveXRay(sourceAddress, forwardedFor, envoyExternalAddress)
            : ResolveTrusted(sourceAddress, forwardedFor, envoyExternalAddress);

    private ClientAddress ResolveTrusted(ReadOnlySpan<char> source, ReadOnlySpan<byte> xff, ReadOnlySpan<byte> external)
    {
        if (_preferSourceAddress && TryPeer(source, portZeroIsForwarded: true, out var peer))
        {
            return peer;
        }

        if (xff.Trim(" \t"u8).IsEmpty)
        {
            return Fallback(source, external, ForwardedForRejectReason.None, portZeroIsForwarded: true);
        }

        if (xff.Length > _maxLength)
        {
            return Fallback(source, external, ForwardedForRejectReason.TooLong, portZeroIsForwarded: true);
        }

        // Checked before the walk so the cap does not depend on where the client sits in the list.
        if (xff.Count((byte)',') >= _maxEntries)
        {
            return Fallback(source, external, ForwardedForRejectReason.TooManyEntries, portZeroIsForwarded: true);
        }

        var examined = 0;
        IpValue? lastTrusted = null;
        var remaining = xff;
        while (true)
        {
            var comma = remaining.LastIndexOf((byte)',');
            var entry = remaining[(comma + 1)..];
            if (!IpEndpointParser.TryParse(entry, out var ip))
            {
                // Never step past garbage: whatever lies left of it was written by someone we cannot vouch for.
                return lastTrusted is { } hop
                    ? FromForwardedFor(hop, ForwardedForRejectReason.GarbageEntry)
                    : Fallback(source, external, ForwardedForRejectReason.GarbageEntry, portZeroIsForwarded: true);
            }

            examined++;
            if (examined > _trustedHops && !_trusted.Contains(ip))
            {
                return Chosen(ip, examined, source);
            }

            lastTrusted = ip;
            if (comma < 0)
            {
                break;
            }

            remaining = remaining[..comma];
        }

        // All entries trusted. Beyond the hop positions the left-most trusted entry started the request inside our
        // networks, so it is the client; within them, the header is shorter than our chain and names nobody.
        return examined > _trustedHops
            ? Chosen(lastTrusted!.Value, examined, source)
            : Fallback(source, external, ForwardedForRejectReason.TooFewEntries, portZeroIsForwarded: true);
    }

    /// <summary>
    /// The client found in X-Forwarded-For. The right-most entry equal to the TCP peer is the one Envoy appended
    /// itself (use_remote_address): nobody forwarded anything, so the client is the peer and the flag stays false.
    /// </summary>
    private static ClientAddress Chosen(IpValue ip, int position, ReadOnlySpan<char> source)
    {
        if (position == 1 && IpEndpointParser.TryParse(source, out var peer, out var port) && port != 0 && peer == ip)
        {
            return new ClientAddress(ip.ToCanonicalString(), false, ClientAddressSource.SourceAddress, ForwardedForRejectReason.None);
        }

        return FromForwardedFor(ip, ForwardedForRejectReason.None);
    }

    private ClientAddress ResolveXRay(ReadOnlySpan<char> source, ReadOnlySpan<byte> xff, ReadOnlySpan<byte> external)
    {
        // The Python middleware tests the raw value for truthiness, so only an empty value falls through to the peer.
        if (xff.IsEmpty)
        {
            return Fallback(source, external, ForwardedForRejectReason.None, portZeroIsForwarded: false);
        }

        // The one deviation from the SDK: a segment must stay small, so an oversized header is not copied.
        if (xff.Length > _maxLength)
        {
            return Fallback(source, external, ForwardedForRejectReason.TooLong, portZeroIsForwarded: false);
        }

        // Latin-1 maps each byte to one char, as WSGI does with header bytes.
        return new ClientAddress(Encoding.Latin1.GetString(xff), true, ClientAddressSource.ForwardedFor, ForwardedForRejectReason.None);
    }

    private static ClientAddress FromForwardedFor(IpValue ip, ForwardedForRejectReason reason) =>
        new(ip.ToCanonicalString(), true, ClientAddressSource.ForwardedFor, reason);

    private static ClientAddress Fallback(
        ReadOnlySpan<char> source,
        ReadOnlySpan<byte> external,
        ForwardedForRejectReason reason,
        bool portZeroIsForwarded)
    {
        if (TryPeer(source, portZeroIsForwarded, out var peer))
        {
            return peer with { ForwardedForRejectReason = reason };
        }

        // Envoy vouches for this header but does not say where it came from, so the flag stays false.
        return IpEndpointParser.TryParse(external, out var ip)
            ? new ClientAddress(ip.ToCanonicalString(), false, ClientAddressSource.EnvoyExternalAddress, reason)
            : ClientAddress.Unknown with { ForwardedForRejectReason = reason };
    }

    private static bool TryPeer(ReadOnlySpan<char> source, bool portZeroIsForwarded, out ClientAddress peer)
    {
        if (!IpEndpointParser.TryParse(source, out var ip, out var port))
        {
            peer = default;
            return false;
        }

        // A real TCP peer never has port 0; Envoy writes 0 when it took the address from XFF or another header.
        peer = new ClientAddress(
            ip.ToCanonicalString(),
            portZeroIsForwarded && port == 0,
            ClientAddressSource.SourceAddress,
            ForwardedForRejectReason.None);
        return true;
    }
}
