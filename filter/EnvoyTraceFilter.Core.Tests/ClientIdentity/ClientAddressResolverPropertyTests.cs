using System.Net;
using System.Text;
using EnvoyTraceFilter.Core.ClientIdentity;
using FsCheck.Xunit;

namespace EnvoyTraceFilter.Core.Tests.ClientIdentity;

public sealed class ClientAddressResolverPropertyTests
{
    private static readonly ClientAddressResolver Trusted = new(new ClientAddressOptions
    {
        TrustedHops = 1,
        TrustedNetworks = [IPNetwork.Parse("10.0.0.0/8")],
    });

    private static readonly ClientAddressResolver XRay = new(new ClientAddressOptions { Mode = ClientAddressMode.XRay });

    [Property(MaxTest = 500)]
    public bool Resolve_AnyInput_NeverThrowsAndReturnsCanonicalOrNoAddress(string? source, byte[]? xff, byte[]? external)
    {
        var result = Trusted.Resolve(source.AsSpan(), xff, external);
        _ = XRay.Resolve(source.AsSpan(), xff, external);

        return result.Address is null
            || (IPAddress.TryParse(result.Address, out var ip) && ip.ToString() == result.Address);
    }

    [Property(MaxTest = 500)]
    public bool Resolve_ClientSuppliedPrefix_NeverWins(string? prefix)
    {
        // Whatever the client writes left of its own address, the LB's append decides.
        var text = (prefix ?? string.Empty).Replace(",", string.Empty, StringComparison.Ordinal);
        text = text.Length > 1000 ? text[..1000] : text;
        var xff = Encoding.UTF8.GetBytes($"{text}, 6.6.6.6, 10.9.9.9, 203.0.113.7, 34.1.2.3");

        var result = Trusted.Resolve("10.0.0.1:1", xff, default);

        return result == new ClientAddress("203.0.113.7", true, ClientAddressSource.ForwardedFor, ForwardedForRejectReason.None);
    }
}
