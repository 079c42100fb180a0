using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using EnvoyTraceFilter.Demo;
using EnvoyTraceFilter.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace EnvoyTraceFilter.IntegrationTests;

/// <summary>
/// `make demo` as the README shows it: the README's curl request through the emulated Envoy front, the echo app's
/// answer, and the span line of both backends. Every port is a free one.
/// </summary>
public sealed partial class DemoTests(ITestOutputHelper output)
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private const string GoogleParent = "f5fcf8089dec2751"; // 17725314949316355921 in hex
    private const string CloudTraceContext = TraceId + "/17725314949316355921;o=1";
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);

    private static DemoOptions FreePorts() => new()
    {
        FrontPort = 0,
        AppPort = 0,
        ZipkinPort = 0,
        XRayPort = 0,
        FilterPort = 0,
        AdminPort = 0,
        // envoy.yaml's 100 ms is for production; a loaded test machine must not turn the request into a fail-open.
        MessageTimeout = TimeSpan.FromSeconds(10),
        FilterDll = Path.Combine(FilterProcess.BuildOutput(), "EnvoyTraceFilter.dll"),
    };

    [Fact]
    public async Task ReadmeCurl_EchoShowsB3FromGoogleContext_BothBackendsPrintTheSpan()
    {
        var printed = new LineWaiter();
        var spans = new Dictionary<string, TaskCompletionSource<SpanRecord>>
        {
            ["zipkin"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
            ["xray"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        await using var demo = await DemoHost.StartAsync(FreePorts(), printed.Add, span => spans[span.Backend].TrySetResult(span))
            .WaitAsync(Generous);

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{demo.FrontPort}/orders/42");
        request.Headers.TryAddWithoutValidation("x-cloud-trace-context", CloudTraceContext);
        using var response = await http.SendAsync(request).WaitAsync(Generous);
        var body = await response.Content.ReadAsStringAsync().WaitAsync(Generous);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var echoed = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("GET /orders/42 HTTP/1.1", echoed[0]);
        Assert.Contains($"x-b3-traceid: {TraceId}", echoed);
        Assert.Contains($"x-b3-parentspanid: {GoogleParent}", echoed);
        Assert.Contains("x-b3-sampled: 1", echoed);
        Assert.Contains($"x-cloud-trace-context: {CloudTraceContext}", echoed);
        Assert.Contains($"host: 127.0.0.1:{demo.FrontPort}", echoed);
        var spanId = Assert.Single(echoed, l => l.StartsWith("x-b3-spanid: ", StringComparison.Ordinal))["x-b3-spanid: ".Length..];
        Assert.Matches(SpanIdPattern(), spanId);
        Assert.NotEqual(GoogleParent, spanId);
        Assert.Contains($"b3: {TraceId}-{spanId}-1-{GoogleParent}", echoed);
        Assert.Contains($"traceparent: 00-{TraceId}-{spanId}-01", echoed);

        var zipkin = await spans["zipkin"].Task.WaitAsync(Generous);
        Assert.Equal(new SpanRecord("zipkin", TraceId, spanId, GoogleParent, "get", "echo-app", "200"), zipkin);
        var xray = await spans["xray"].Task.WaitAsync(Generous);
        Assert.Equal(new SpanRecord("xray", "1-4bf92f35-77b34da6a3ce929d0e0e4736", spanId, GoogleParent, "echo-app", null, "200"), xray);

        // What the demo terminal shows.
        await printed.WaitForAsync($"zipkin  | trace={TraceId} span={spanId} parent={GoogleParent} name=get service=echo-app status=200");
        await printed.WaitForAsync($"xray    | trace=1-4bf92f35-77b34da6a3ce929d0e0e4736 span={spanId} parent={GoogleParent} name=echo-app status=200");
        Assert.Contains(printed.Lines, l => Regex.IsMatch(l, @"^front   \| GET /orders/42 from 127\.0\.0\.1:\d+ -> 200 via_upstream, ext_proc Processed$"));
    }

    [Fact]
    public async Task CtrlC_DemoExits0_FilterChildProcessIsGone()
    {
        var demoDll = Path.Combine(FilterProcess.BuildOutput(), "..", "..", "..", "..", "..", "demo", "EnvoyTraceFilter.Demo", "bin",
            new DirectoryInfo(FilterProcess.BuildOutput()).Parent!.Name, "net10.0", "EnvoyTraceFilter.Demo.dll");
        Assert.True(File.Exists(demoDll), $"demo not built: {demoDll}");
        var options = FreePorts();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[demoDll, "--front-port", "0", "--app-port", "0", "--zipkin-port", "0", "--xray-port", "0",
                     "--filter-port", "0", "--admin-port", "0", "--message-timeout-ms", "10000", "--filter-dll", options.FilterDll!])
        {
            info.ArgumentList.Add(arg);
        }

        var printed = new LineWaiter();
        using var demo = new Process { StartInfo = info };
        demo.OutputDataReceived += (_, e) => printed.Add(e.Data);
        demo.ErrorDataReceived += (_, e) => printed.Add(e.Data);
        Assert.True(demo.Start());
        demo.BeginOutputReadLine();
        demo.BeginErrorReadLine();
        try
        {
            var ready = await printed.WaitForAsync(l => l.Contains("| filter (pid ", StringComparison.Ordinal));
            var filterPid = int.Parse(FilterPid().Match(ready).Groups[1].Value, CultureInfo.InvariantCulture);
            using var filter = Process.GetProcessById(filterPid);
            await printed.WaitForAsync("demo    | Ctrl-C stops everything.");

            // A shell without job control starts background jobs with SIGINT ignored, and the demo inherits that;
            // SIGTERM then stands in (the demo handles both alike).
            var signal = SigIntIgnored() ? "-TERM" : "-INT";
            if (signal == "-TERM")
            {
                output.WriteLine("SIGINT is ignored in this test process (started in the background without job control): sending SIGTERM instead.");
            }

            using (var interrupt = Process.Start("kill", [signal, demo.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync().WaitAsync(Generous);
            }

            await demo.WaitForExitAsync().WaitAsync(Generous);
            Assert.Equal(0, demo.ExitCode);
            Assert.Contains("demo    | stopping", printed.Lines);
            await filter.WaitForExitAsync().WaitAsync(Generous);
            Assert.True(filter.HasExited);
        }
        finally
        {
            if (!demo.HasExited)
            {
                demo.Kill(entireProcessTree: true);
            }
        }
    }

    [Theory]
    [InlineData(new[] { "--front-port", "70000" }, "--front-port 70000: not a port (0-65535)")]
    [InlineData(new[] { "--app-port" }, "--app-port needs a value")]
    [InlineData(new[] { "--frontport", "1" }, "unknown argument --frontport")]
    [InlineData(new[] { "--message-timeout-ms", "0" }, "--message-timeout-ms 0: not a positive number")]
    public void Arguments_Invalid_NameTheArgument(string[] args, string message) =>
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => DemoOptions.Parse(args)).Message);

    [Fact]
    public void Arguments_PortsAndFilterSettings()
    {
        var options = DemoOptions.Parse(["--front-port", "0", "--TraceFilter:Naming:FallbackName=shop", "--xray-port", "2001"]);
        Assert.Equal((0, 8080, 9411, 2001, 50051, 9901), (options.FrontPort, options.AppPort, options.ZipkinPort, options.XRayPort,
            options.FilterPort, options.AdminPort));
        Assert.Equal(["--TraceFilter:Naming:FallbackName=shop"], options.FilterArguments);
    }

    /// <summary>Whether this process ignores SIGINT (bit 2 of /proc/self/status SigIgn), which child processes inherit.</summary>
    private static bool SigIntIgnored()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & 0x2) != 0;
    }

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex SpanIdPattern();

    [GeneratedRegex(@"\(pid (\d+)\)")]
    private static partial Regex FilterPid();

    /// <summary>Lines printed so far, and waits for one to appear (no sleeps).</summary>
    private sealed class LineWaiter
    {
        private readonly List<string> _lines = [];
        private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Done)> _waiters = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lines)
            {
                _lines.Add(line);
                foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
                {
                    waiter.Done.TrySetResult(line);
                    _waiters.Remove(waiter);
                }
            }
        }

        public Task<string> WaitForAsync(string exact) => WaitForAsync(l => l == exact);

        public async Task<string> WaitForAsync(Func<string, bool> match)
        {
            var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lines)
            {
                if (_lines.FirstOrDefault(match) is { } seen)
                {
                    return seen;
                }

                _waiters.Add((match, done));
            }

            try
            {
                return await done.Task.WaitAsync(Generous);
            }
            catch (TimeoutException)
            {
                Assert.Fail("expected line not printed; the demo printed:\n" + string.Join('\n', Lines));
                throw;
            }
        }
    }
}
