using System.Text;
using EnvoyTraceFilter.Core.Naming;

namespace EnvoyTraceFilter.Core.Tests.Naming;

public sealed class ServiceNamerTests
{
    private const ServiceNameSource Rule = ServiceNameSource.Rule;
    private const ServiceNameSource Host = ServiceNameSource.Host;
    private const ServiceNameSource Fallback = ServiceNameSource.Fallback;

    // Latin-1 so a row can carry any byte value with \u00XX.
    private static ServiceNameResult Resolve(ServiceNamer namer, string authority) => namer.Resolve(Encoding.Latin1.GetBytes(authority));

    private static ServiceNamer Seed(string? tracingNameOverride = null) =>
        new([new NamingRule("*.example.com", null)], "My application", tracingNameOverride, ServiceNamer.DefaultMaxDistinctNames);

    [Theory]
    [InlineData(null, "api.example.com", "api.example.com", Host, ServiceNameFallbackReason.None)]
    [InlineData(null, "evil.test", "My application", Fallback, ServiceNameFallbackReason.NoMatch)]
    [InlineData(null, "", "My application", Fallback, ServiceNameFallbackReason.NoHost)]
    [InlineData(null, "example.com", "My application", Fallback, ServiceNameFallbackReason.NoMatch)]
    [InlineData(null, "API.Example.COM", "api.example.com", Host, ServiceNameFallbackReason.None)] // lower-cased
    [InlineData(null, "api.example.com:8080", "api.example.com", Host, ServiceNameFallbackReason.None)] // port stripped (the SDK would not match)
    [InlineData(null, "api.example.com.", "api.example.com", Host, ServiceNameFallbackReason.None)] // trailing dot stripped
    [InlineData(null, "api.example.com.:443", "api.example.com", Host, ServiceNameFallbackReason.None)]
    [InlineData("Override", "evil.test", "Override", Fallback, ServiceNameFallbackReason.NoMatch)] // override replaces the fallback
    [InlineData("Override", "", "Override", Fallback, ServiceNameFallbackReason.NoHost)]
    [InlineData("Override", "api.example.com", "api.example.com", Host, ServiceNameFallbackReason.None)] // but not the rules
    [InlineData("  Override  ", "evil.test", "Override", Fallback, ServiceNameFallbackReason.NoMatch)] // trimmed
    [InlineData("", "evil.test", "My application", Fallback, ServiceNameFallbackReason.NoMatch)] // empty override = unset
    [InlineData("   ", "evil.test", "My application", Fallback, ServiceNameFallbackReason.NoMatch)]
    public void Resolve_SeedRule_FollowsDynamicNaming(string? tracingNameOverride, string authority, string name, ServiceNameSource source, ServiceNameFallbackReason reason)
    {
        var result = Resolve(Seed(tracingNameOverride), authority);

        Assert.Equal(new ServiceNameResult(name, source, reason), result);
    }

    [Theory]
    [InlineData("checkout.example.com", "Checkout", Rule)]
    [InlineData("CHECKOUT.example.com:443", "Checkout", Rule)] // first rule wins over the wildcard below
    [InlineData("api.example.com", "api.example.com", Host)]
    [InlineData("10.0.0.1:8080", "Internal by IP", Rule)]
    [InlineData("[::1]:443", "Loopback v6", Rule)] // brackets and port stripped
    [InlineData("[::1]", "Loopback v6", Rule)]
    [InlineData("[::2]", "Fallback", Fallback)]
    [InlineData("other.test", "Fallback", Fallback)]
    public void Resolve_SeveralRules_FirstMatchWins(string authority, string name, ServiceNameSource source)
    {
        var namer = new ServiceNamer(
            [
                new NamingRule("checkout.example.com", "Checkout"),
                new NamingRule("*.example.com", null),
                new NamingRule("10.*", "Internal by IP"),
                new NamingRule("::1", "Loopback v6"),
            ],
            "Fallback",
            tracingNameOverride: null,
            maxDistinctNames: 10);

        var result = Resolve(namer, authority);

        Assert.Equal(name, result.Name);
        Assert.Equal(source, result.Source);
    }

    [Theory]
    [InlineData("[2001:DB8::1]:443", "2001:db8::1")] // lower-cased as sent, not re-canonicalised
    [InlineData("10.0.0.1", "10.0.0.1")]
    [InlineData("my_service.internal", "my_service.internal")] // '_' is common in internal names
    [InlineData("localhost:65535", "localhost")]
    public void Resolve_CatchAllHostRule_UsesNormalisedHost(string authority, string expected)
    {
        var namer = new ServiceNamer([new NamingRule("*", null)], "Fallback", null, 10);

        Assert.Equal(new ServiceNameResult(expected, Host, ServiceNameFallbackReason.None), Resolve(namer, authority));
    }

    [Theory]
    [InlineData("exa mple.com")] // space
    [InlineData("example.com\r")] // control character
    [InlineData("\texample.com")]
    [InlineData("user@example.com")] // userinfo
    [InlineData("example.com/path")]
    [InlineData("example.com?q")]
    [InlineData("ex*ample.com")] // wildcard characters are not host characters
    [InlineData("%41.example.com")]
    [InlineData("ex\u0000ample.com")]
    [InlineData("b\u00c3\u00bccher.example")] // UTF-8 bytes: IDNs must arrive as punycode
    [InlineData("example.com:abc")]
    [InlineData("example.com:")] // empty port
    [InlineData("example.com:123456")]
    [InlineData("example.com:70000")]
    [InlineData("example.com:80:80")]
    [InlineData("::1")] // unbracketed IPv6
    [InlineData("::1:443")]
    [InlineData("[::1")]
    [InlineData("[::1]x")]
    [InlineData("[::1]:")]
    [InlineData("[fe80::1%eth0]")] // zone id
    [InlineData("[v1.fe80::1]")] // IPvFuture
    [InlineData("[1.2.3.4]")] // bracketed IPv4
    [InlineData("[]")]
    [InlineData(":80")] // empty host
    [InlineData(".")]
    [InlineData(".example.com")] // empty label
    [InlineData("a..b")]
    [InlineData("example.com..")] // only one trailing dot is stripped
    public void Resolve_ForgedHost_UsesFallback(string authority)
    {
        var namer = new ServiceNamer([new NamingRule("*", null)], "My application", null, 10);

        Assert.Equal(
            new ServiceNameResult("My application", Fallback, ServiceNameFallbackReason.ForgedHost),
            Resolve(namer, authority));
        Assert.Equal(0, namer.DistinctHostNames);
    }

    [Theory]
    [InlineData(253, ServiceNameSource.Host)] // RFC 1035 maximum
    [InlineData(254, ServiceNameSource.Fallback)]
    [InlineData(5000, ServiceNameSource.Fallback)]
    public void Resolve_HostLength_IsCappedAtDnsLimit(int length, ServiceNameSource expected)
    {
        var namer = new ServiceNamer([new NamingRule("*", null)], "Fallback", null, 10);

        var result = Resolve(namer, new string('a', length));

        Assert.Equal(expected, result.Source);
        Assert.True(result.Name.Length <= ServiceNames.MaxLength); // a 253-char host name is cut to 200
    }

    [Fact]
    public void Resolve_HostilePatternOnLongestHost_ReturnsNoMatch()
    {
        var namer = new ServiceNamer([new NamingRule("*a*a*a*a*a*a*b", null)], "Fallback", null, 10);

        Assert.Equal(ServiceNameFallbackReason.NoMatch, Resolve(namer, new string('a', 253)).Reason);
    }

    [Fact]
    public void Resolve_ConfiguredNames_AreSanitisedOnce()
    {
        var namer = new ServiceNamer([new NamingRule("*.example.com", "Shop (EU)")], "My app!", null, 10);

        Assert.Equal(new ServiceNameResult("Shop _EU_", Rule, ServiceNameFallbackReason.None), Resolve(namer, "a.example.com"));
        Assert.Equal("My app_", namer.FallbackName);
    }

    [Fact]
    public void Resolve_NoRules_AlwaysFallback()
    {
        var namer = new ServiceNamer([], "My application", null, 10);

        Assert.Equal(ServiceNameFallbackReason.NoMatch, Resolve(namer, "api.example.com").Reason);
    }
}
