using EnvoyTraceFilter.Core.Naming;

namespace EnvoyTraceFilter.Core.Tests.Naming;

public sealed class ServiceNamerConfigurationTests
{
    [Theory]
    [InlineData("*.example.com/x", "Fallback", null, 10, "Naming:Rules[0]:")] // '/' can never match a normalised host
    [InlineData("*.bücher.example", "Fallback", null, 10, "Naming:Rules[0]:")] // write IDNs as xn--
    [InlineData("[::1]", "Fallback", null, 10, "Naming:Rules[0]:")] // brackets are stripped before matching
    [InlineData("*.example.com", "", null, 10, "Naming:FallbackName:")] // X-Ray rejects empty names
    [InlineData("*.example.com", "   ", null, 10, "Naming:FallbackName:")]
    [InlineData("*.example.com", "Fallback", null, -1, "Naming:MaxDistinctNames:")]
    public void Constructor_InvalidSetting_ThrowsNamingIt(string pattern, string fallback, string? tracingNameOverride, int max, string key)
    {
        var thrown = Assert.Throws<ArgumentException>(() => new ServiceNamer([new NamingRule(pattern, null)], fallback, tracingNameOverride, max));

        Assert.Contains(key, thrown.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Constructor_BlankRuleName_Throws(string name)
    {
        var thrown = Assert.Throws<ArgumentException>(() => new ServiceNamer([new NamingRule("*", name)], "Fallback", null, 10));

        Assert.Contains("Naming:Rules[0]:Name:", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NullRule_Throws()
    {
        var thrown = Assert.Throws<ArgumentException>(() => new ServiceNamer([null!], "Fallback", null, 10));

        Assert.Contains("Naming:Rules[0]:", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_SeveralProblems_ReportsAllAtOnce()
    {
        var thrown = Assert.Throws<ArgumentException>(() => new ServiceNamer(
            [new NamingRule("a b", null), new NamingRule("*", " ")], string.Empty, null, -5));

        Assert.Contains("Naming:Rules[0]:", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("Naming:Rules[1]:Name:", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("Naming:FallbackName:", thrown.Message, StringComparison.Ordinal);
        Assert.Contains("Naming:MaxDistinctNames:", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_EmptyFallbackWithOverride_IsValid()
    {
        // The SDK reads AWS_XRAY_TRACING_NAME even when no service name was configured.
        var namer = new ServiceNamer([], string.Empty, "FromEnvironment", 10);

        Assert.Equal("FromEnvironment", namer.FallbackName);
    }

    [Fact]
    public void Constructor_EmptyPattern_IsAllowedButNeverMatches()
    {
        var namer = new ServiceNamer([new NamingRule(string.Empty, "Never")], "Fallback", null, 10);

        Assert.Equal(ServiceNameFallbackReason.NoMatch, namer.Resolve("a"u8).Reason);
    }

    [Fact]
    public void Constructor_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new ServiceNamer(null!, "Fallback", null, 10));
        Assert.Throws<ArgumentNullException>(() => new ServiceNamer([], null!, null, 10));
    }
}
