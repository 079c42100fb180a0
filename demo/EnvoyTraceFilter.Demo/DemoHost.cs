using System.Globalization;
using System.Net;
using EnvoyEmulator;

namespace EnvoyTraceFilter.Demo;

/// <summary>Starts the span receiver, the echo app, the filter and the Envoy front, all on 127.0.0.1; disposing stops them all.</summary>
public sealed class DemoHost : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _started = [];

    private DemoHost()
    {
    }

    public int FrontPort { get; private set; }

    public int AppPort { get; private set; }

    public int ZipkinPort { get; private set; }

    public int XRayPort { get; private set; }

    public int FilterPort { get; private set; }

    public int AdminPort { get; private set; }

    /// <summary>The filter's process id (to check that it is gone after a stop).</summary>
    public int FilterProcessId { get; private set; }

    /// <param name="print">Receives every line the demo shows (from any thread).</param>
    /// <param name="spanReceived">Receives every span and segment, before its line is printed.</param>
    public static async Task<DemoHost> StartAsync(DemoOptions options, Action<string> print, Action<SpanRecord>? spanReceived = null,
        CancellationToken cancellationToken = default)
    {
        var demo = new DemoHost();
        try
        {
            await demo.StartAllAsync(options, print, spanReceived, cancellationToken).ConfigureAwait(false);
            return demo;
        }
        catch
        {
            await demo.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartAllAsync(DemoOptions options, Action<string> print, Action<SpanRecord>? spanReceived, CancellationToken cancellationToken)
    {
        var receiver = await SpanReceiver.StartAsync(options.ZipkinPort, options.XRayPort, span =>
        {
            spanReceived?.Invoke(span);
            print(span.ToString());
        }, print).ConfigureAwait(false);
        _started.Add(receiver);
        (ZipkinPort, XRayPort) = (receiver.ZipkinPort, receiver.XRayPort);

        var echo = await EchoApp.StartAsync(options.AppPort).ConfigureAwait(false);
        _started.Add(echo);
        AppPort = echo.Port;

        var root = Path.GetDirectoryName(EnvoyYamlConfig.FindRepositoryFile(AppContext.BaseDirectory))!;
        var filter = await FilterChild.StartAsync(options.FilterDll ?? DefaultFilterDll(root), FilterSettings(options, receiver),
            options.FilterArguments, print, cancellationToken).ConfigureAwait(false);
        _started.Add(filter);
        (FilterPort, AdminPort, FilterProcessId) = (filter.ExtProcPort, filter.AdminPort, filter.ProcessId);

        // Envoy as the repository's envoy.yaml configures it (timeouts, attributes, forward rules), on loopback.
        var envoyOptions = EnvoyYamlConfig.Load(Path.Combine(root, "envoy.yaml"));
        envoyOptions = envoyOptions with
        {
            EnvoyLocalAddress = IPAddress.Loopback,
            MessageTimeout = options.MessageTimeout ?? envoyOptions.MessageTimeout,
        };
        var filterEndpoint = new IPEndPoint(IPAddress.Loopback, filter.ExtProcPort);
        await WarmUpAsync(filterEndpoint, envoyOptions, cancellationToken).ConfigureAwait(false);
        var emulator = new EnvoyExtProcEmulator(filterEndpoint, envoyOptions);
        _started.Add(emulator);

        var front = await EnvoyFront.StartAsync(options.FrontPort, emulator, echo.Port, print).ConfigureAwait(false);
        _started.Add(front);
        FrontPort = front.Port;
    }

    /// <summary>
    /// One unsampled request with a generous timeout, so that the filter's first-call start-up cost does not
    /// exceed envoy.yaml's message_timeout on the user's first request (which would then pass unprocessed).
    /// </summary>
    private static async Task WarmUpAsync(IPEndPoint filter, EmulatorOptions options, CancellationToken cancellationToken)
    {
        await using var warmUp = new EnvoyExtProcEmulator(filter, options with { MessageTimeout = TimeSpan.FromSeconds(30) });
        await warmUp.SendAsync(new DownstreamRequest { Authority = "warm-up.invalid", Headers = [("x-b3-sampled", "0")] },
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static Dictionary<string, string> FilterSettings(DemoOptions options, SpanReceiver receiver) => new()
    {
        ["Port"] = options.FilterPort.ToString(CultureInfo.InvariantCulture),
        ["ListenAddress"] = "127.0.0.1",
        ["Admin:Port"] = options.AdminPort.ToString(CultureInfo.InvariantCulture),
        ["Admin:ListenAddress"] = "127.0.0.1",
        // Every request is reported (the default X-Ray rule keeps 1 request/s + 5 %); an incoming "not sampled" still wins.
        ["Sampling:Strategy"] = "Always",
        // X-Ray dynamic naming falls back to this name for hosts no rule matches (127.0.0.1 here).
        ["Naming:FallbackName"] = "echo-app",
        ["Zipkin:Enabled"] = "true",
        ["Zipkin:Endpoint"] = receiver.ZipkinEndpoint,
        ["Zipkin:BatchDelay"] = "00:00:00.100",
        ["XRay:Enabled"] = "true",
        ["XRay:DaemonAddress"] = $"127.0.0.1:{receiver.XRayPort}",
        // Google and W3C trace ids are not X-Ray ids; Passthrough lets X-Ray show them too.
        ["XRay:TraceIdPolicy"] = "Passthrough",
    };

    /// <summary>The filter's build output for the configuration the demo runs in (bin/Release/net10.0 → Release).</summary>
    private static string DefaultFilterDll(string root)
    {
        var baseDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(root, "filter", "EnvoyTraceFilter", "bin", baseDirectory.Parent!.Name, baseDirectory.Name, "EnvoyTraceFilter.dll");
    }

    /// <summary>Stops everything in reverse order of start; the filter child process is killed.</summary>
    public async ValueTask DisposeAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].DisposeAsync().ConfigureAwait(false);
        }

        _started.Clear();
    }
}
