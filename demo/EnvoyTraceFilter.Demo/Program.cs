using System.Runtime.InteropServices;
using EnvoyTraceFilter.Demo;

// make demo: the filter, an Envoy stand-in on :10000, an echo app on :8080 and a span receiver, until Ctrl-C.
DemoOptions options;
try
{
    options = DemoOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"demo: {e.Message}");
    Console.Error.WriteLine(DemoOptions.Usage);
    return 2;
}

var gate = new object();
void Print(string line)
{
    lock (gate)
    {
        Console.WriteLine(line);
    }
}

using var stop = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

DemoHost demo;
try
{
    demo = await DemoHost.StartAsync(options, Print, cancellationToken: stop.Token);
}
catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or InvalidOperationException or OperationCanceledException
    or TimeoutException)
{
    Console.Error.WriteLine($"demo: could not start: {e.Message}");
    return 1;
}

await using (demo)
{
    Print($"""

        demo    | ready. Envoy (emulated) http://127.0.0.1:{demo.FrontPort} -> echo app http://127.0.0.1:{demo.AppPort}
        demo    | filter (pid {demo.FilterProcessId}) ext_proc 127.0.0.1:{demo.FilterPort}, admin http://127.0.0.1:{demo.AdminPort}; spans: Zipkin http://127.0.0.1:{demo.ZipkinPort}/api/v2/spans, X-Ray udp 127.0.0.1:{demo.XRayPort}
        demo    | try: curl -s -H 'x-cloud-trace-context: 4bf92f3577b34da6a3ce929d0e0e4736/17725314949316355921;o=1' http://127.0.0.1:{demo.FrontPort}/orders/42
        demo    | Ctrl-C stops everything.

        """);
    try
    {
        await Task.Delay(Timeout.Infinite, stop.Token);
    }
    catch (OperationCanceledException)
    {
        Print("demo    | stopping");
    }
}

return 0;
