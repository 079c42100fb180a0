using System.Net;
using EnvoyEmulator;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>Client address and service name, end to end through Envoy's connection manager as the emulator models it.</summary>
public sealed class IdentityAndNamingTests
{
    private static readonly Dictionary<string, string?> Seed = new()
    {
        ["TraceFilter:Naming:Rules:0:Pattern"] = "*.example.com",
        ["TraceFilter:Naming:FallbackName"] = "My application",
        ["TraceFilter:Naming:Header"] = "x-service-name",
        ["TraceFilter:ClientIdentity:Header"] = "x-client-address",
    };

    [Theory]
    [InlineData("api.example.com", "api.example.com")]
    [InlineData("API.Example.com:8443", "api.example.com")]
    [InlineData("evil.test", "My application")]
    [InlineData("evil.test/../x", "My application")]
    public async Task HostPattern_NamesTheServiceOrFallsBack(string authority, string expected)
    {
        await using var host = await FilterHost.StartAsync(overSocket: false, Seed);

        var exchange = await Emulation.For(host).SendAsync(Emulation.Get(authority)).DefaultTimeout();

        Assert.Equal(expected, exchange.Upstream!.Get("x-service-name"));
    }

    [Fact]
    public async Task TracingNameVariable_ReplacesOnlyTheFallback()
    {
        var settings = new Dictionary<string, string?>(Seed);
        await using var host = await FilterHost.StartAsync(overSocket: false, settings, configuration: _ => { }, environment: new() { ["AWS_XRAY_TRACING_NAME"] = "Override" });
        var emulator = Emulation.For(host);

        Assert.Equal("Override", (await emulator.SendAsync(Emulation.Get("evil.test")).DefaultTimeout()).Upstream!.Get("x-service-name"));
        Assert.Equal("api.example.com", (await emulator.SendAsync(Emulation.Get("api.example.com")).DefaultTimeout()).Upstream!.Get("x-service-name"));
    }

    [Theory]
    // Client forges "6.6.6.6"; one load balancer appended the real client; Envoy appends its peer (the LB).
    [InlineData(1, "6.6.6.6, 203.0.113.7", "203.0.113.7")]
    // With no trusted hop the right-most entry (Envoy's peer) is the client.
    [InlineData(0, "6.6.6.6, 203.0.113.7", "198.51.100.7")]
    // Two trusted hops reach the forged entry only when the chain really has two proxies.
    [InlineData(2, "6.6.6.6, 203.0.113.7", "6.6.6.6")]
    public async Task SpoofedForwardedFor_ResolvesToTheTrustedHopsAddress(int trustedHops, string incomingXff, string expected)
    {
        var settings = new Dictionary<string, string?>(Seed) { ["TraceFilter:ClientIdentity:TrustedHops"] = trustedHops.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await using var host = await FilterHost.StartAsync(overSocket: false, settings);

        var request = new DownstreamRequest
        {
            Authority = "api.example.com",
            PeerAddress = IPEndPoint.Parse("198.51.100.7:50000"),
            Headers = new HeaderList([("x-forwarded-for", incomingXff)]),
        };
        var exchange = await Emulation.For(host).SendAsync(request).DefaultTimeout();

        // Envoy appends its peer with a bare comma.
        Assert.Equal($"{incomingXff},198.51.100.7", exchange.Upstream!.Get("x-forwarded-for"));
        Assert.Equal(expected, exchange.Upstream.Get("x-client-address"));
    }

    [Fact]
    public async Task NoForwardedFor_UsesEnvoysSourceAddress()
    {
        await using var host = await FilterHost.StartAsync(overSocket: false, new Dictionary<string, string?>(Seed) { ["TraceFilter:ClientIdentity:PreferSourceAddress"] = "true" });

        var exchange = await Emulation.For(host).SendAsync(new DownstreamRequest { Authority = "api.example.com", PeerAddress = IPEndPoint.Parse("[2001:db8::7]:443") }).DefaultTimeout();

        Assert.Equal("2001:db8::7", exchange.Upstream!.Get("x-client-address"));
    }
}
