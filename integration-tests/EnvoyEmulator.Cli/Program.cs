using EnvoyEmulator;
using EnvoyEmulator.Cli;
using System.Net;

// Sends emulated HTTP requests through an ext_proc server the way Envoy would, and prints what happened.
// Exit code: 0 when every exchange was Processed, 1 otherwise, 2 on usage errors.
if (args is ["load", .. var loadArgs])
{
    try
    {
        return await LoadDriver.RunAsync(loadArgs);
    }
    catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException)
    {
        Console.Error.WriteLine($"envoy-emulator load: {e.Message}");
        Console.Error.WriteLine(LoadDriver.Usage);
        return 2;
    }
}

CliArguments cli;
try
{
    if (args.Contains("--help") || args.Contains("-h"))
    {
        Console.WriteLine(CliArguments.Usage);
        Console.WriteLine(LoadDriver.Usage);
        return 0;
    }

    cli = CliArguments.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or UriFormatException)
{
    Console.Error.WriteLine($"envoy-emulator: {e.Message}");
    Console.Error.WriteLine(CliArguments.Usage);
    return 2;
}

EmulatorOptions options = new() { EnvoyVersion = cli.Version };
try
{
    options = cli.EnvoyYaml is { } yaml ? EnvoyYamlConfig.Load(yaml, options) : options;
}
catch (Exception e) when (e is EnvoyYamlException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"envoy-emulator: {e.Message}");
    return 2;
}

// The raw HTTP/2 transport: Envoy's frames, connection pool and close, as a real Envoy would send them.
var server = IPAddress.TryParse(cli.Target.Host.Trim('[', ']'), out var ip)
    ? new IPEndPoint(ip, cli.Target.Port)
    : new IPEndPoint((await Dns.GetHostAddressesAsync(cli.Target.Host))[0], cli.Target.Port);
await using var emulator = new EnvoyExtProcEmulator(server, options with
{
    MessageTimeout = cli.TimeoutMs is { } ms ? TimeSpan.FromMilliseconds(ms) : options.MessageTimeout,
    XffNumTrustedHops = cli.XffTrustedHops ?? options.XffNumTrustedHops,
    FailureModeAllow = !cli.FailClosed && options.FailureModeAllow,
});

var allProcessed = true;
for (var i = 1; i <= cli.Count; i++)
{
    var request = new DownstreamRequest
    {
        Method = cli.Method,
        Path = cli.Path,
        Authority = cli.Authority,
        Headers = cli.Headers.Clone(),
        PeerAddress = cli.Peer,
    };
    var exchange = await emulator.SendAsync(request, (_, _) => Task.FromResult(new UpstreamResponse
    {
        Status = cli.Status,
        Headers = cli.ResponseHeaders.Clone(),
        Body = cli.ResponseBody,
    }));
    ExchangePrinter.Print(Console.Out, i, exchange);
    allProcessed &= exchange.Outcome == ExchangeOutcome.Processed;
}

ExchangePrinter.PrintStats(Console.Out, emulator.Stats);
return allProcessed ? 0 : 1;
