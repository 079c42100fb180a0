using EnvoyEmulator;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

internal static class Emulation
{
    /// <summary>
    /// Envoy's defaults except a 5 s message timeout: a cold, parallel test run can stall the first messages
    /// past 200 ms, which would turn into a fail-open and a flaky test. Timeout behaviour has its own tests.
    /// Over a socket the emulator uses the raw HTTP/2 transport (Envoy's frames and connection pools).
    /// </summary>
    public static EnvoyExtProcEmulator For(FilterHost host, EmulatorOptions? options = null)
    {
        options ??= new EmulatorOptions { MessageTimeout = TimeSpan.FromSeconds(5) };
        return host.Address is { } address
            ? new EnvoyExtProcEmulator(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, new Uri(address).Port), options)
            : new EnvoyExtProcEmulator(host.Channel, options);
    }

    public static DownstreamRequest Get(string authority, params (string Name, string Value)[] headers) => new()
    {
        Method = "GET",
        Path = "/orders/42?full=1",
        Authority = authority,
        Headers = new HeaderList(headers),
    };

    /// <summary>An upstream app that answers with a fixed status and headers.</summary>
    public static Func<UpstreamRequest, CancellationToken, Task<UpstreamResponse>> Upstream(int status, params (string Name, string Value)[] headers) =>
        (_, _) => Task.FromResult(new UpstreamResponse { Status = status, Headers = new HeaderList(headers) });
}
