using EnvoyTraceFilter.Core.ClientIdentity;
using static EnvoyTraceFilter.Core.Tests.ClientIdentity.ResolverTestHelper;

namespace EnvoyTraceFilter.Core.Tests.ClientIdentity;

/// <summary>Limits, source.address forms, x-envoy-external-address and PreferSourceAddress.</summary>
public sealed class ClientAddressResolverFallbackTests
{
    private const ClientAddressSource Xff = ClientAddressSource.ForwardedFor;
    private const ClientAddressSource Src = ClientAddressSource.SourceAddress;

    [Theory]
    [InlineData(2047, "203.0.113.7", true, ForwardedForRejectReason.None)]
    [InlineData(2048, "203.0.113.7", true, ForwardedForRejectReason.None)] // exactly the default cap
    [InlineData(2049, "10.0.0.1", false, ForwardedForRejectReason.TooLong)] // one byte over: whole header ignored
    [InlineData(60000, "10.0.0.1", false, ForwardedForRejectReason.TooLong)]
    public void Resolve_HeaderLength_IsCappedAtMaxForwardedForLength(int length, string expected, bool fromXff, ForwardedForRejectReason reason)
    {
        const string client = ", 203.0.113.7";
        var xff = new string('x', length - client.Length) + client;

        Assert.Equal(new ClientAddress(expected, fromXff, fromXff ? Xff : Src, reason), Resolve(Options(), Peer, xff));
    }

    [Theory]
    [InlineData(31, "203.0.113.7", true, ForwardedForRejectReason.None)]
    [InlineData(32, "203.0.113.7", true, ForwardedForRejectReason.None)] // exactly the default cap
    [InlineData(33, "10.0.0.1", false, ForwardedForRejectReason.TooManyEntries)] // one over: ignored even though the client is right-most
    public void Resolve_EntryCount_IsCappedAtMaxForwardedForEntries(int entries, string expected, bool fromXff, ForwardedForRejectReason reason)
    {
        var xff = string.Join(", ", Enumerable.Repeat("6.6.6.6", entries - 1).Append("203.0.113.7"));

        Assert.Equal(new ClientAddress(expected, fromXff, fromXff ? Xff : Src, reason), Resolve(Options(), Peer, xff));
    }

    [Theory]
    [InlineData(100, 3, "1.1.1.1, 2.2.2.2, 3.3.3.3", "3.3.3.3", ForwardedForRejectReason.None)]
    [InlineData(100, 2, "1.1.1.1, 2.2.2.2, 3.3.3.3", "10.0.0.1", ForwardedForRejectReason.TooManyEntries)]
    [InlineData(100, 3, ",,,", "10.0.0.1", ForwardedForRejectReason.TooManyEntries)] // four empty items count as four
    [InlineData(25, 32, "1.1.1.1, 2.2.2.2, 3.3.3.3", "3.3.3.3", ForwardedForRejectReason.None)] // 25 bytes exactly
    [InlineData(24, 32, "1.1.1.1, 2.2.2.2, 3.3.3.3", "10.0.0.1", ForwardedForRejectReason.TooLong)]
    [InlineData(5, 2, "1.1.1.1, 2.2.2.2, 3.3.3.3", "10.0.0.1", ForwardedForRejectReason.TooLong)] // length is checked first
    public void Resolve_CustomLimits_AreApplied(int maxLength, int maxEntries, string xff, string expected, ForwardedForRejectReason reason)
    {
        var options = Options() with { MaxForwardedForLength = maxLength, MaxForwardedForEntries = maxEntries };
        var fromXff = reason == ForwardedForRejectReason.None;

        Assert.Equal(new ClientAddress(expected, fromXff, fromXff ? Xff : Src, reason), Resolve(options, Peer, xff));
    }

    [Theory]
    [InlineData("203.0.113.7:0", "203.0.113.7", true)] // port 0: Envoy derived it from XFF (xff_num_trusted_hops)
    [InlineData("10.0.0.1:54321", "10.0.0.1", false)]
    [InlineData("[::1]:54321", "::1", false)]
    [InlineData("[::ffff:192.0.2.1]:80", "192.0.2.1", false)] // mapped peer unwrapped
    [InlineData("[2001:db8::7]:0", "2001:db8::7", true)]
    [InlineData("10.0.0.1", "10.0.0.1", false)] // no port at all: not Envoy's header-derived form
    [InlineData("10.0.0.1:65535", "10.0.0.1", false)]
    public void Resolve_NoForwardedFor_UsesSourceAddress(string source, string expected, bool fromXff)
    {
        Assert.Equal(new ClientAddress(expected, fromXff, Src, ForwardedForRejectReason.None), Resolve(Options(), source, xff: null));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")] // whitespace only counts as absent, not as garbage
    [InlineData("\t \t")]
    public void Resolve_EmptyForwardedFor_IsTreatedAsAbsent(string? xff)
    {
        Assert.Equal(new ClientAddress("10.0.0.1", false, Src, ForwardedForRejectReason.None), Resolve(Options(hops: 2), Peer, xff));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-ip:80")]
    [InlineData("/var/run/envoy.sock")] // pipe address
    [InlineData("10.0.0.1:65536")]
    [InlineData("10.0.0.1:")]
    [InlineData("[::1]:x")]
    [InlineData("fe80::1%eth0")]
    public void Resolve_UnusableSourceAddress_FallsBackToEnvoyExternalAddress(string source)
    {
        Assert.Equal(
            new ClientAddress("198.51.100.2", false, ClientAddressSource.EnvoyExternalAddress, ForwardedForRejectReason.None),
            Resolve(Options(), source, xff: null, external: "198.51.100.2"));
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("garbage", "")]
    [InlineData("garbage", "also garbage")]
    [InlineData("", "unknown")]
    public void Resolve_NothingUsable_ReturnsUnknown(string source, string? external)
    {
        Assert.Equal(ClientAddress.Unknown, Resolve(Options(), source, xff: null, external));
    }

    [Fact]
    public void Resolve_SourceAddressPresent_WinsOverEnvoyExternalAddress()
    {
        var result = Resolve(Options(), "10.0.0.1:54321", xff: null, external: "198.51.100.2");

        Assert.Equal(new ClientAddress("10.0.0.1", false, Src, ForwardedForRejectReason.None), result);
    }

    [Theory]
    [InlineData("203.0.113.7:0", "203.0.113.7", true, ClientAddressSource.SourceAddress)] // flag survives a rejected XFF
    [InlineData("10.0.0.1:54321", "10.0.0.1", false, ClientAddressSource.SourceAddress)]
    [InlineData("", "198.51.100.2", false, ClientAddressSource.EnvoyExternalAddress)]
    public void Resolve_RejectedForwardedFor_ReportsReasonWithFallback(string source, string expected, bool fromXff, ClientAddressSource from)
    {
        var xff = new string('1', 3000);

        Assert.Equal(
            new ClientAddress(expected, fromXff, from, ForwardedForRejectReason.TooLong),
            Resolve(Options(), source, xff, external: "198.51.100.2"));
    }

    [Theory]
    [InlineData("203.0.113.7:0", "6.6.6.6, 203.0.113.7, 10.0.0.9", "203.0.113.7", true, ClientAddressSource.SourceAddress)]
    [InlineData("10.0.0.1:54321", "6.6.6.6", "10.0.0.1", false, ClientAddressSource.SourceAddress)] // XFF not even read
    [InlineData("garbage", "6.6.6.6", "6.6.6.6", true, ClientAddressSource.ForwardedFor)] // unusable peer: normal walk
    [InlineData("", "", "198.51.100.2", false, ClientAddressSource.EnvoyExternalAddress)]
    public void Resolve_PreferSourceAddress_TrustsEnvoysChoice(string source, string xff, string expected, bool fromXff, ClientAddressSource from)
    {
        var options = Options() with { PreferSourceAddress = true };

        Assert.Equal(
            new ClientAddress(expected, fromXff, from, ForwardedForRejectReason.None),
            Resolve(options, source, xff, external: "198.51.100.2"));
    }
}
