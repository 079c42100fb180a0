using EnvoyTraceFilter.Core.Naming;

namespace EnvoyTraceFilter.Core.Tests.Naming;

public sealed class HostPatternTests
{
    [Theory]
    [InlineData("*", "", true)]
    [InlineData("*", "anything.at.all", true)]
    [InlineData("", "", true)] // empty pattern matches only the empty host, which ServiceNamer never passes
    [InlineData("", "a", false)]
    [InlineData("api.example.com", "api.example.com", true)]
    [InlineData("API.Example.COM", "api.example.com", true)] // case-insensitive
    [InlineData("api.example.com", "API.EXAMPLE.COM", true)]
    [InlineData("api.example.com", "api.example.co", false)]
    [InlineData("api.example.com", "xapi.example.com", false)] // whole host, not a substring
    [InlineData("*.example.com", "api.example.com", true)]
    [InlineData("*.example.com", "a.b.example.com", true)] // '*' crosses dots
    [InlineData("*.example.com", ".example.com", true)] // '*' may be empty
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("*.example.com", "api.example.com.evil.test", false)] // anchored at the end too
    [InlineData("*.example.com", "evilexample.com", false)]
    [InlineData("?", "a", true)]
    [InlineData("?", "", false)]
    [InlineData("?", "ab", false)]
    [InlineData("???", "abc", true)]
    [InlineData("api?.example.com", "api1.example.com", true)]
    [InlineData("api?.example.com", "api.example.com", false)] // '?' is exactly one
    [InlineData("a*b*c", "abc", true)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "abcabc", true)] // needs the last '*' to re-anchor
    [InlineData("a*b*c", "acb", false)]
    [InlineData("a*b*c", "abcd", false)]
    [InlineData("a*b*c", "ab", false)]
    [InlineData("*a", "bba", true)]
    [InlineData("*a", "ab", false)]
    [InlineData("a*", "a", true)]
    [InlineData("**", "x", true)] // collapsed to '*'
    [InlineData("a**b", "ab", true)]
    [InlineData("*?", "", false)]
    [InlineData("*?", "x", true)]
    [InlineData("::1", "::1", true)] // IPv6 hosts arrive without brackets
    [InlineData("api.example.com", "api.example.com:8080", false)] // raw matcher sees the port; ServiceNamer strips it first
    [InlineData("api.example.com", "api.example.com.", false)] // likewise the trailing dot
    public void IsMatch_Ascii_MatchesWholeHost(string pattern, string host, bool expected)
    {
        Assert.Equal(expected, new HostPattern(pattern).IsMatch(host));
    }

    [Theory]
    [InlineData("*.BÜCHER.example", "shop.bücher.example", true)] // Latin-1 letters fold
    [InlineData("σ?", "Σx", true)] // Greek folds
    [InlineData("straße", "STRASSE", false)] // no multi-character folding (ordinal ignore-case is 1:1)
    [InlineData("k", "\u212A", false)] // Kelvin sign is not ASCII 'k'
    [InlineData("i", "\u0130", false)] // Turkish dotted capital I is not 'i'
    [InlineData("?", "ü", true)]
    [InlineData("?", "😀", false)] // '?' is one UTF-16 unit; a surrogate pair is two
    [InlineData("??", "😀", true)]
    [InlineData("*😀", "x😀", true)]
    public void IsMatch_NonAscii_UsesOrdinalIgnoreCasePerUtf16Unit(string pattern, string host, bool expected)
    {
        Assert.Equal(expected, new HostPattern(pattern).IsMatch(host));
    }

    [Theory]
    [InlineData("*a*a*a*a*a*a*b", 2000, "", false)] // classic exponential case for backtracking matchers
    [InlineData("*a*a*a*a*a*a*b", 2000, "b", true)]
    [InlineData("*?*?*?*?*?*?*?*?*?*?x", 5000, "", false)]
    [InlineData("*aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", 5000, "", false)]
    public void IsMatch_HostileInput_Terminates(string pattern, int count, string suffix, bool expected)
    {
        var host = new string('a', count) + suffix;

        Assert.Equal(expected, new HostPattern(pattern).IsMatch(host));
    }

    [Fact]
    public void Text_IsThePatternAsConfigured()
    {
        var pattern = new HostPattern("**.Example.com");

        Assert.Equal("**.Example.com", pattern.Text);
        Assert.Equal("**.Example.com", pattern.ToString());
        Assert.True(pattern.HasWildcards);
        Assert.False(new HostPattern("api.example.com").HasWildcards);
    }

    [Fact]
    public void Constructor_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new HostPattern(null!));
    }
}
