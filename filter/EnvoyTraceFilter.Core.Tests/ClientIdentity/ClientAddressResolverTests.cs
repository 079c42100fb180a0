using EnvoyTraceFilter.Core.ClientIdentity;
using static EnvoyTraceFilter.Core.Tests.ClientIdentity.ResolverTestHelper;

namespace EnvoyTraceFilter.Core.Tests.ClientIdentity;

public sealed class ClientAddressResolverTests
{
    private const ClientAddressSource Xff = ClientAddressSource.ForwardedFor;
    private const ClientAddressSource Src = ClientAddressSource.SourceAddress;

    [Theory]
    [InlineData(0, "203.0.113.7", "203.0.113.7")]
    [InlineData(0, "6.6.6.6, 203.0.113.7", "203.0.113.7")]
    [InlineData(0, "1.1.1.1,2.2.2.2,3.3.3.3", "3.3.3.3")] // no spaces after commas
    [InlineData(1, "6.6.6.6, 203.0.113.7, 34.1.2.3", "203.0.113.7")] // forged 6.6.6.6, then Google LB appends client + VIP
    [InlineData(1, "203.0.113.7, 34.1.2.3", "203.0.113.7")]
    [InlineData(2, "6.6.6.6, 203.0.113.7, 34.1.2.3, 35.191.0.1", "203.0.113.7")]
    [InlineData(2, "203.0.113.7, 34.1.2.3, 35.191.0.1", "203.0.113.7")]
    [InlineData(3, "1.1.1.1, 2.2.2.2, 3.3.3.3, 4.4.4.4", "1.1.1.1")]
    [InlineData(3, "unknown, 1.1.1.1, 2.2.2.2, 3.3.3.3, 4.4.4.4", "1.1.1.1")] // garbage left of the client is never read
    [InlineData(1, "127.0.0.1, 203.0.113.7, 34.1.2.3", "203.0.113.7")] // spoofed loopback prefix loses
    [InlineData(1, "203.0.113.7, 34.1.2.3, 203.0.113.99", "34.1.2.3")] // hops are positional: only the right-most is skipped
    public void Resolve_TrustedHops_TakesFirstEntryLeftOfOwnProxies(int hops, string xff, string expected)
    {
        Assert.Equal(new ClientAddress(expected, true, Xff, ForwardedForRejectReason.None), Resolve(Options(hops), Peer, xff));
    }

    [Theory]
    [InlineData(1, "34.1.2.3")] // exactly as many entries as hops: the LB itself, no client named
    [InlineData(2, "34.1.2.3, 35.191.0.1")]
    [InlineData(2, "35.191.0.1")]
    [InlineData(3, "1.1.1.1, 2.2.2.2, 3.3.3.3")]
    public void Resolve_FewerEntriesThanHops_UsesPeerAndReportsTooFewEntries(int hops, string xff)
    {
        Assert.Equal(new ClientAddress("10.0.0.1", false, Src, ForwardedForRejectReason.TooFewEntries), Resolve(Options(hops), Peer, xff));
    }

    [Fact]
    public void Resolve_GoogleLoadBalancerWithForgedPrefix_ReturnsRealClient()
    {
        var result = Resolve(Options(hops: 1), Peer, "6.6.6.6, 203.0.113.7, 34.1.2.3");

        Assert.Equal(new ClientAddress("203.0.113.7", true, Xff, ForwardedForRejectReason.None), result);
    }

    [Theory]
    [InlineData(0, "10.0.0.0/8", "203.0.113.7, 10.0.0.2", "203.0.113.7")]
    [InlineData(0, "10.0.0.0/8", "203.0.113.7, 10.1.1.1, 10.0.0.2", "203.0.113.7")]
    [InlineData(0, "10.0.0.0/8", "11.0.0.1, 10.0.0.2", "11.0.0.1")] // just outside the /8
    [InlineData(0, "10.0.0.0/8", "10.0.0.9, 203.0.113.7, 10.0.0.2", "203.0.113.7")] // trusted-looking spoof left of client loses
    [InlineData(0, "10.0.0.0/8", "10.0.0.9, 10.0.0.2", "10.0.0.9")] // all trusted: left-most started the request inside
    [InlineData(0, "10.0.0.0/8", "203.0.113.7, ::ffff:10.0.0.2", "203.0.113.7")] // mapped entry unwrapped before the check
    [InlineData(0, "::ffff:192.168.0.0/112", "203.0.113.7, 192.168.3.4", "203.0.113.7")] // mapped network matches plain IPv4
    [InlineData(0, "2001:db8:1::/48", "2001:db8:2::5, 2001:db8:1::7", "2001:db8:2::5")]
    [InlineData(0, "2001:db8:1::/48", "[2001:db8:2::5]:443, [2001:db8:1::7]:80", "2001:db8:2::5")]
    [InlineData(0, "2001:db8:1::/48", "2001:db8:1::9", "2001:db8:1::9")] // single trusted entry is the client
    [InlineData(0, "10.0.0.0/8;2001:db8:1::/48", "198.51.100.1, 2001:db8:1::1, 10.0.0.2", "198.51.100.1")] // mixed families
    [InlineData(0, "0.0.0.0/0", "198.51.100.1, 10.0.0.2", "198.51.100.1")] // trust-everything: left-most
    [InlineData(1, "10.0.0.0/8", "198.51.100.1, 10.0.0.3, 34.1.2.3", "198.51.100.1")] // positional hop, then CIDR hop
    [InlineData(1, "10.0.0.0/8", "10.0.0.3, 34.1.2.3", "10.0.0.3")] // internal caller behind the LB
    [InlineData(0, "127.0.0.0/8", "203.0.113.7, 127.0.0.1", "203.0.113.7")] // loopback trusted only because listed
    [InlineData(0, null, "203.0.113.7, 127.0.0.1", "127.0.0.1")] // loopback not implicitly trusted
    [InlineData(0, null, "203.0.113.7, ::1", "::1")]
    public void Resolve_TrustedNetworks_SkipsEntriesInsideThem(int hops, string? networks, string xff, string expected)
    {
        Assert.Equal(new ClientAddress(expected, true, Xff, ForwardedForRejectReason.None), Resolve(Options(hops, networks), Peer, xff));
    }

    [Theory]
    [InlineData("unknown, 203.0.113.7, 34.1.2.3", "203.0.113.7", true, ForwardedForRejectReason.None)] // left of client: unread
    [InlineData("203.0.113.7, unknown, 34.1.2.3", "34.1.2.3", true, ForwardedForRejectReason.GarbageEntry)] // at client slot: last trusted hop
    [InlineData("203.0.113.7, 34.1.2.3, unknown", "10.0.0.1", false, ForwardedForRejectReason.GarbageEntry)] // right-most: peer
    [InlineData("203.0.113.7, _hidden, 34.1.2.3", "34.1.2.3", true, ForwardedForRejectReason.GarbageEntry)] // RFC 7239 obfuscated
    [InlineData("203.0.113.7, , 34.1.2.3", "34.1.2.3", true, ForwardedForRejectReason.GarbageEntry)] // empty item
    [InlineData("203.0.113.7,    , 34.1.2.3", "34.1.2.3", true, ForwardedForRejectReason.GarbageEntry)] // spaces only
    [InlineData("203.0.113.7, example.com, 34.1.2.3", "34.1.2.3", true, ForwardedForRejectReason.GarbageEntry)] // hostname
    [InlineData("203.0.113.7, fe80::1%eth0, 34.1.2.3", "34.1.2.3", true, ForwardedForRejectReason.GarbageEntry)] // zone id
    [InlineData("203.0.113.7, [fe80::1%25eth0]:80, 34.1.2.3", "34.1.2.3", true, ForwardedForRejectReason.GarbageEntry)]
    [InlineData("203.0.113.7, 1.2.3.4.5, 34.1.2.3", "34.1.2.3", true, ForwardedForRejectReason.GarbageEntry)]
    [InlineData("203.0.113.7, 01.2.3.4, 34.1.2.3", "34.1.2.3", true, ForwardedForRejectReason.GarbageEntry)] // octal-looking
    [InlineData("203.0.113.7, 256.1.1.1, 34.1.2.3", "34.1.2.3", true, ForwardedForRejectReason.GarbageEntry)]
    [InlineData("203.0.113.7, 1.2.3, 34.1.2.3", "34.1.2.3", true, ForwardedForRejectReason.GarbageEntry)] // inet_aton short form
    [InlineData("203.0.113.7, 1.2.3.4:99999, 34.1.2.3", "34.1.2.3", true, ForwardedForRejectReason.GarbageEntry)] // port too big
    [InlineData("203.0.113.7, 1.2.3.4:, 34.1.2.3", "34.1.2.3", true, ForwardedForRejectReason.GarbageEntry)] // empty port
    [InlineData("203.0.113.7, \"1.2.3.4\", 34.1.2.3", "34.1.2.3", true, ForwardedForRejectReason.GarbageEntry)] // quoted (Forwarded syntax)
    [InlineData("203.0.113.7, 1::2::3, 34.1.2.3", "34.1.2.3", true, ForwardedForRejectReason.GarbageEntry)]
    [InlineData("203.0.113.7, [2001:db8::1, 34.1.2.3", "34.1.2.3", true, ForwardedForRejectReason.GarbageEntry)] // unclosed bracket
    [InlineData("203.0.113.7, 2001:db8::1:443, 34.1.2.3", "2001:db8::1:443", true, ForwardedForRejectReason.None)] // valid v6, not a port
    [InlineData("203.0.113.7, 1.2.3.4\u00e9, 34.1.2.3", "34.1.2.3", true, ForwardedForRejectReason.GarbageEntry)] // non-ASCII byte
    [InlineData("203.0.113.7, 1.2.3.4\u0001, 34.1.2.3", "34.1.2.3", true, ForwardedForRejectReason.GarbageEntry)] // control byte
    [InlineData("203.0.113.7, 34.1.2.3,", "10.0.0.1", false, ForwardedForRejectReason.GarbageEntry)] // trailing comma
    [InlineData(",", "10.0.0.1", false, ForwardedForRejectReason.GarbageEntry)]
    [InlineData("unknown", "10.0.0.1", false, ForwardedForRejectReason.GarbageEntry)]
    public void Resolve_GarbageEntry_StopsTheWalkThere(string xff, string expected, bool fromXff, ForwardedForRejectReason reason)
    {
        var expectedSource = fromXff ? Xff : Src;

        Assert.Equal(new ClientAddress(expected, fromXff, expectedSource, reason), Resolve(Options(hops: 1), Peer, xff));
    }

    [Fact]
    public void Resolve_OverLongEntry_IsGarbage()
    {
        var xff = $"203.0.113.7, {new string('1', 65)}, 34.1.2.3";

        Assert.Equal(new ClientAddress("34.1.2.3", true, Xff, ForwardedForRejectReason.GarbageEntry), Resolve(Options(hops: 1), Peer, xff));
    }

    [Theory]
    [InlineData("unknown, 10.0.0.2", "10.0.0.2", true)] // garbage after a CIDR hop: that hop
    [InlineData("203.0.113.7, unknown, 10.0.0.2", "10.0.0.2", true)]
    [InlineData("10.0.0.2, unknown", "10.0.0.1", false)] // garbage first: peer
    public void Resolve_GarbageAfterTrustedNetworkHop_ReturnsThatHop(string xff, string expected, bool fromXff)
    {
        var result = Resolve(Options(0, "10.0.0.0/8"), Peer, xff);

        Assert.Equal(new ClientAddress(expected, fromXff, fromXff ? Xff : Src, ForwardedForRejectReason.GarbageEntry), result);
    }

    [Theory]
    [InlineData("1.2.3.4:80", "1.2.3.4")]
    [InlineData("1.2.3.4:0", "1.2.3.4")]
    [InlineData("  1.2.3.4  ", "1.2.3.4")]
    [InlineData("\t1.2.3.4", "1.2.3.4")]
    [InlineData("[2001:db8::1]:443", "2001:db8::1")]
    [InlineData("[2001:db8::1]", "2001:db8::1")]
    [InlineData("2001:db8::1", "2001:db8::1")]
    [InlineData("2001:DB8:0:0:0:0:0:1", "2001:db8::1")] // canonical text
    [InlineData("::ffff:192.0.2.1", "192.0.2.1")] // IPv4-mapped unwrapped
    [InlineData("[::ffff:192.0.2.1]:80", "192.0.2.1")]
    [InlineData("::ffff:c000:0201", "192.0.2.1")] // mapped, hex form
    [InlineData("::1", "::1")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("255.255.255.255", "255.255.255.255")]
    public void Resolve_EntryForms_AreStrippedToCanonicalAddress(string xff, string expected)
    {
        Assert.Equal(new ClientAddress(expected, true, Xff, ForwardedForRejectReason.None), Resolve(Options(), Peer, xff));
    }
}
