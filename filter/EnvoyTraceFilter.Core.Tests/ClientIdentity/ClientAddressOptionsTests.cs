using EnvoyTraceFilter.Core.ClientIdentity;

namespace EnvoyTraceFilter.Core.Tests.ClientIdentity;

public sealed class ClientAddressOptionsTests
{
    [Fact]
    public void Defaults_AreValidAndDocumented()
    {
        var options = new ClientAddressOptions();

        Assert.Empty(options.Validate());
        Assert.Equal(ClientAddressMode.Trusted, options.Mode);
        Assert.Equal(0, options.TrustedHops);
        Assert.Empty(options.TrustedNetworks);
        Assert.False(options.PreferSourceAddress);
        Assert.Equal(2048, options.MaxForwardedForLength);
        Assert.Equal(32, options.MaxForwardedForEntries);
    }

    [Theory]
    [InlineData(-1, 2048, 32, 0, "TrustedHops")]
    [InlineData(32, 2048, 32, 0, "TrustedHops")] // hops must leave room for a client entry
    [InlineData(0, 0, 32, 0, "MaxForwardedForLength")]
    [InlineData(0, 65537, 32, 0, "MaxForwardedForLength")]
    [InlineData(0, 2048, 0, 0, "MaxForwardedForEntries")] // also makes TrustedHops 0 invalid: two errors
    [InlineData(0, 2048, 1025, 0, "MaxForwardedForEntries")]
    [InlineData(0, 2048, 32, 7, "Mode")]
    public void Validate_OutOfRange_NamesTheSetting(int hops, int maxLength, int maxEntries, int mode, string key)
    {
        var options = new ClientAddressOptions
        {
            TrustedHops = hops,
            MaxForwardedForLength = maxLength,
            MaxForwardedForEntries = maxEntries,
            Mode = (ClientAddressMode)mode,
        };

        Assert.Contains(options.Validate(), e => e.StartsWith($"ClientIdentity:{key}:", StringComparison.Ordinal));
        var thrown = Assert.Throws<ArgumentException>(() => new ClientAddressResolver(options));
        Assert.Contains($"ClientIdentity:{key}:", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NullNetworks_IsReported()
    {
        var options = new ClientAddressOptions { TrustedNetworks = null! };

        Assert.Single(options.Validate(), e => e.StartsWith("ClientIdentity:TrustedNetworks:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SeveralProblems_ReportsAllAtOnce()
    {
        var options = new ClientAddressOptions { TrustedHops = -1, MaxForwardedForLength = 0, TrustedNetworks = null! };

        Assert.Equal(3, options.Validate().Count);
    }

    [Fact]
    public void Constructor_CopiesNetworks_SoLaterListChangesDoNotLeakIn()
    {
        var networks = new List<System.Net.IPNetwork> { System.Net.IPNetwork.Parse("10.0.0.0/8") };
        var resolver = new ClientAddressResolver(new ClientAddressOptions { TrustedNetworks = networks });
        networks.Clear();

        var result = resolver.Resolve("10.0.0.1:1", "203.0.113.7, 10.0.0.2"u8, default);

        Assert.Equal("203.0.113.7", result.Address);
    }
}
