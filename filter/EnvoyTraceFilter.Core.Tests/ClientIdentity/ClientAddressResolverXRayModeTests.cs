using EnvoyTraceFilter.Core.ClientIdentity;
using static EnvoyTraceFilter.Core.Tests.ClientIdentity.ResolverTestHelper;

namespace EnvoyTraceFilter.Core.Tests.ClientIdentity;

/// <summary>X-Ray mode copies the X-Ray SDK for Python: whole raw XFF value, flag true; else the peer.</summary>
public sealed class ClientAddressResolverXRayModeTests
{
    private static readonly ClientAddressOptions XRay = new() { Mode = ClientAddressMode.XRay, TrustedHops = 1 };

    [Theory]
    [InlineData("6.6.6.6, 203.0.113.7, 34.1.2.3")] // whole list, forged entry included; TrustedHops ignored
    [InlineData("203.0.113.7")]
    [InlineData("unknown")] // no validation at all
    [InlineData(" ")] // non-empty string is truthy in Python
    [InlineData("1.2.3.4:80")] // port kept
    [InlineData("1.2.3.4\u00e9")] // bytes mapped one-to-one (Latin-1), as WSGI does
    public void Resolve_ForwardedForPresent_CopiesRawValue(string xff)
    {
        Assert.Equal(
            new ClientAddress(xff, true, ClientAddressSource.ForwardedFor, ForwardedForRejectReason.None),
            Resolve(XRay, Peer, xff));
    }

    [Theory]
    [InlineData("10.0.0.1:54321", null, "10.0.0.1")]
    [InlineData("10.0.0.1:54321", "", "10.0.0.1")]
    [InlineData("203.0.113.7:0", "", "203.0.113.7")] // no port-0 flag: the SDK only flags XFF
    [InlineData("[::1]:54321", null, "::1")]
    public void Resolve_NoForwardedFor_UsesPeerWithoutFlag(string source, string? xff, string expected)
    {
        Assert.Equal(
            new ClientAddress(expected, false, ClientAddressSource.SourceAddress, ForwardedForRejectReason.None),
            Resolve(XRay, source, xff));
    }

    [Fact]
    public void Resolve_OversizedForwardedFor_IsNotCopied()
    {
        Assert.Equal(
            new ClientAddress("10.0.0.1", false, ClientAddressSource.SourceAddress, ForwardedForRejectReason.TooLong),
            Resolve(XRay, Peer, new string('1', 2049)));
    }

    [Fact]
    public void Resolve_NoPeer_FallsBackToEnvoyExternalAddress()
    {
        Assert.Equal(
            new ClientAddress("198.51.100.2", false, ClientAddressSource.EnvoyExternalAddress, ForwardedForRejectReason.None),
            Resolve(XRay, "garbage", xff: null, external: "198.51.100.2"));
    }
}
