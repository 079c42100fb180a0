using System.Net;
using EnvoyTraceFilter.Core.XRay;

namespace EnvoyTraceFilter.Core.Tests.XRay;

public sealed class XRayDaemonAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:2000", "127.0.0.1", 2000, true)]
    [InlineData("  10.1.2.3:65535  ", "10.1.2.3", 65535, true)]
    [InlineData("[::1]:2000", "::1", 2000, true)]
    [InlineData("[fd00::a:1]:3000", "fd00::a:1", 3000, true)]
    [InlineData("localhost:2000", "localhost", 2000, false)]
    [InlineData("xray-daemon.observability.svc.cluster.local:2000", "xray-daemon.observability.svc.cluster.local", 2000, false)]
    [InlineData("tcp:127.0.0.1:2000 udp:127.0.0.2:2001", "127.0.0.2", 2001, true)]
    [InlineData("udp:127.0.0.2:2001 tcp:127.0.0.1:2000", "127.0.0.2", 2001, true)]
    [InlineData("tcp:daemon:2000   udp:[::1]:2001", "::1", 2001, true)]
    [InlineData("UDP:daemon:2001 TCP:daemon:2000", "daemon", 2001, false)]
    public void Parses_valid_forms(string value, string host, int port, bool isIp)
    {
        Assert.True(XRayDaemonAddress.TryParse(value, out var address, out var error), error);
        Assert.Equal(host, address.Host);
        Assert.Equal(port, address.Port);
        Assert.Equal(isIp, address.IpLiteral is not null);
        Assert.Equal(!isIp, address.IsDnsName);
    }

    [Theory]
    [InlineData("foo", "host and port must be separated by ':'")]
    [InlineData("", "it is empty")]
    [InlineData(null, "it is empty")]
    [InlineData("127.0.0.1", "host and port must be separated by ':'")]
    [InlineData(":2000", "host and port must be separated by ':'")]
    [InlineData("127.0.0.1:", "port '' is not a number from 1 to 65535")]
    [InlineData("127.0.0.1:0", "port '0' is not a number from 1 to 65535")]
    [InlineData("127.0.0.1:65536", "port '65536' is not a number from 1 to 65535")]
    [InlineData("127.0.0.1:+20", "port '+20' is not a number from 1 to 65535")]
    [InlineData("127.0.0.1:2000x", "port '2000x' is not a number from 1 to 65535")]
    [InlineData("256.0.0.1:2000", "'256.0.0.1' is not an IPv4 address")]
    [InlineData("::1:2000", "an IPv6 address must be written [address]:port")]
    [InlineData("[::1]2000", "an IPv6 address must be written [address]:port")]
    [InlineData("[127.0.0.1]:2000", "'127.0.0.1' is not an IPv6 address")]
    [InlineData("bad_host!:2000", "'bad_host!' is not a valid host name")]
    [InlineData("-lead.example:2000", "'-lead.example' is not a valid host name")]
    [InlineData("1.2.3:2000", "'1.2.3' is not a valid host name")]
    [InlineData("tcp:127.0.0.1:2000", "a 'tcp:' or 'udp:' part needs its partner ('tcp:host:port udp:host:port')")]
    [InlineData("udp:127.0.0.1:2000", "a 'tcp:' or 'udp:' part needs its partner ('tcp:host:port udp:host:port')")]
    [InlineData("tcp:127.0.0.1:2000 tcp:127.0.0.1:2001", "two parts need one 'tcp:' and one 'udp:' prefix")]
    [InlineData("127.0.0.1:2000 127.0.0.1:2001", "two parts need one 'tcp:' and one 'udp:' prefix")]
    [InlineData("tcp:x udp:127.0.0.1:2000", "tcp part: host and port must be separated by ':'")]
    [InlineData("a:1 b:2 c:3", "it has more than two parts")]
    public void Rejects_invalid_forms_with_a_message_naming_value_and_form(string? value, string reason)
    {
        Assert.False(XRayDaemonAddress.TryParse(value, out var address, out var error));
        Assert.Null(address);
        Assert.Equal($"'{value}' is not host:port or 'tcp:host:port udp:host:port': {reason}", error);
    }

    [Fact]
    public void Default_is_loopback_2000()
    {
        Assert.Equal(IPAddress.Loopback, XRayDaemonAddress.Default.IpLiteral);
        Assert.Equal(2000, XRayDaemonAddress.Default.Port);
        Assert.True(XRayDaemonAddress.TryParse(XRayDaemonAddress.DefaultValue, out var parsed, out _));
        Assert.Equal(XRayDaemonAddress.Default.ToString(), parsed.ToString());
        Assert.Equal("127.0.0.1:2000", parsed.ToString());
    }

    [Fact]
    public void Ipv6_prints_with_brackets() =>
        Assert.Equal("[::1]:2000", Parse("[::1]:2000").ToString());

    private static XRayDaemonAddress Parse(string value) =>
        XRayDaemonAddress.TryParse(value, out var address, out var error) ? address : throw new FormatException(error);
}
