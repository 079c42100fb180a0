using EnvoyTraceFilter.Core.ClientIdentity;
using static EnvoyTraceFilter.Core.Tests.ClientIdentity.ResolverTestHelper;

namespace EnvoyTraceFilter.Core.Tests.ClientIdentity;

/// <summary>
/// X-Ray's <c>x_forwarded_for: true</c> says the address came from a header a client could have written. Envoy with
/// <c>use_remote_address</c> appends its TCP peer to X-Forwarded-For itself; when that entry is the one chosen, the
/// client is the peer and the flag is false.
/// </summary>
public sealed class ForwardedFlagTests
{
    [Theory]
    [InlineData(0, "203.0.113.7", "203.0.113.7:443")] // no proxy in front: Envoy appended the peer, nothing else
    [InlineData(0, "6.6.6.6,203.0.113.7", "203.0.113.7:443")] // a client-written entry left of it does not matter
    [InlineData(0, "[2001:db8::7]:80", "[2001:db8::7]:443")]
    public void The_entry_Envoy_appended_for_its_peer_is_the_peer_not_a_forwarded_address(int hops, string xff, string source)
    {
        var address = Resolve(Options(hops), source, xff);

        Assert.Equal(new ClientAddress(address.Address, false, ClientAddressSource.SourceAddress, ForwardedForRejectReason.None), address);
        Assert.False(address.FromForwardedFor);
    }

    [Theory]
    [InlineData(1, "203.0.113.7,34.1.2.3", "34.1.2.3:443", "203.0.113.7")] // a load balancer's entry for its client
    [InlineData(0, "203.0.113.7", "34.1.2.3:443", "203.0.113.7")] // right-most entry is not the peer: someone else wrote it
    [InlineData(0, "203.0.113.7", "203.0.113.7:0", "203.0.113.7")] // port 0: Envoy itself took source.address from a header
    public void An_entry_a_client_or_proxy_wrote_keeps_the_flag(int hops, string xff, string source, string expected)
    {
        Assert.Equal(new ClientAddress(expected, true, ClientAddressSource.ForwardedFor, ForwardedForRejectReason.None),
            Resolve(Options(hops), source, xff));
    }
}
