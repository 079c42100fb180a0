namespace EnvoyEmulator.Tests.Infrastructure;

/// <summary>Emulator options with a pinned clock and request id, so tests can assert exact strings.</summary>
public static class TestOptions
{
    public const string RequestId = "0f8fad5b-d9cb-469f-a165-70867728950e";
    /// <summary>request.time for <see cref="Time"/> plus 89 ns, printed as Envoy prints it.</summary>
    public const string RequestTime = "2025-01-02T03:04:05.123456789+00:00";

    public static readonly DateTimeOffset Time =
        new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_567);

    /// <summary>
    /// Default options with the pinned clock and id; customise with a `with` expression. The message timeout is
    /// generous (5 s) so a cold, parallel test run never times out by accident; timeout tests set their own.
    /// </summary>
    public static EmulatorOptions Default(string version = "1.36") => new()
    {
        EnvoyVersion = EnvoyVersion.Parse(version),
        MessageTimeout = TimeSpan.FromSeconds(5),
        Clock = () => Time,
        SubTickNanoseconds = () => 89,
        RequestIdGenerator = () => RequestId,
    };

    public static DownstreamRequest Get(string traceContext = "4bf92f3577b34da6a3ce929d0e0e4736/1;o=1") => new()
    {
        Method = "GET",
        Path = "/orders/7?x=1",
        Authority = "api.example.com",
        Headers = { ("X-Cloud-Trace-Context", traceContext), ("user-agent", "curl/8.5.0") },
        PeerAddress = System.Net.IPEndPoint.Parse("198.51.100.7:50000"),
    };
}
