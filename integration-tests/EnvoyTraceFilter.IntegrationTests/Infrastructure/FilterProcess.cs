using System.Diagnostics;
using System.Text.Json;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>
/// The built filter (filter/EnvoyTraceFilter's own build output) run as a child process with <c>dotnet</c>, its
/// console logs switched to JSON and read line by line as events. Ports are 0 unless a test says otherwise; the
/// bound ones come from the filter's "Listening" event.
/// </summary>
public sealed class FilterProcess : IAsyncDisposable
{
    public const int ListeningEvent = 5000;

    private readonly Process _process;
    private readonly List<JsonElement> _events = [];
    private readonly List<string> _stderr = [];
    private readonly List<(Func<JsonElement, bool> Match, TaskCompletionSource<JsonElement> Done)> _waiters = [];
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FilterProcess(Process process) => _process = process;

    public int ExtProcPort { get; private set; }

    public int AdminPort { get; private set; }

    public string ExtProcAddress => $"http://127.0.0.1:{ExtProcPort}";

    public string AdminAddress => $"http://127.0.0.1:{AdminPort}";

    /// <summary>Completes with the exit code.</summary>
    public Task<int> Exited => _exited.Task;

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return string.Join('\n', _stderr);
            }
        }
    }

    /// <summary>The filter's build output directory for this test run's configuration (Debug/Release).</summary>
    public static string BuildOutput()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;
        var configuration = testOutput.Parent!.Name;
        var root = testOutput;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "EnvoyTraceFilter.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var output = Path.Combine(root.FullName, "filter", "EnvoyTraceFilter", "bin", configuration, framework);
        Assert.True(File.Exists(Path.Combine(output, "EnvoyTraceFilter.dll")), $"filter build output not found in {output}");
        return output;
    }

    /// <param name="environment">Extra environment variables (null removes one).</param>
    /// <param name="binaryDirectory">Where EnvoyTraceFilter.dll is; the build output by default.</param>
    /// <param name="workingDirectory">Defaults to a fresh empty temp directory, never the binary's directory.</param>
    /// <param name="waitForListening">Wait for the "Listening" event (false for runs expected to fail at startup).</param>
    /// <summary>The filter sampling every request and exporting to both local collectors, plus <paramref name="extra"/>.</summary>
    public static Task<FilterProcess> StartExportingAsync(ZipkinCollector zipkin, XRayDaemon xray, IDictionary<string, string?>? extra = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["TraceFilter__Sampling__Strategy"] = "Always",
            ["TraceFilter__Zipkin__Enabled"] = "true",
            ["TraceFilter__Zipkin__Endpoint"] = zipkin.Endpoint,
            ["TraceFilter__XRay__Enabled"] = "true",
            ["TraceFilter__XRay__DaemonAddress"] = xray.Address,
            ["TraceFilter__XRay__TraceIdPolicy"] = "Passthrough",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return StartAsync(environment);
    }

    public static async Task<FilterProcess> StartAsync(IDictionary<string, string?>? environment = null, string? binaryDirectory = null,
        string? workingDirectory = null, bool waitForListening = true, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory ?? Directory.CreateTempSubdirectory("tracefilter-cwd-").FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(binaryDirectory ?? BuildOutput(), "EnvoyTraceFilter.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Nothing from the test runner's environment may point the filter elsewhere.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("TraceFilter", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("TRACEFILTER_", StringComparison.Ordinal) || k.StartsWith("AWS_XRAY", StringComparison.Ordinal)
                     || k.StartsWith("OTEL_", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)
                     || k.StartsWith("Logging__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["Logging__Console__FormatterName"] = "json";
        info.Environment["TraceFilter__Port"] = "0";
        info.Environment["TraceFilter__ListenAddress"] = "127.0.0.1";
        info.Environment["TraceFilter__Admin__Port"] = "0";
        info.Environment["TraceFilter__Admin__ListenAddress"] = "127.0.0.1";
        info.Environment["TraceFilter__Zipkin__Enabled"] = "false";
        info.Environment["TraceFilter__XRay__Enabled"] = "false";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var filter = new FilterProcess(process);
        var stdoutDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderrDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                stdoutDone.TrySetResult();
            }
            else
            {
                filter.OnLine(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                stderrDone.TrySetResult();
                return;
            }

            lock (filter._stderr)
            {
                filter._stderr.Add(e.Data);
            }
        };
        process.Exited += async (_, _) =>
        {
            // Every line is read before the exit is reported, so no event arrives after Exited completes.
            await Task.WhenAll(stdoutDone.Task, stderrDone.Task).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            filter._exited.TrySetResult(process.ExitCode);
        };
        Assert.True(process.Start());
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        if (waitForListening)
        {
            var listening = filter.WaitForEventAsync(ListeningEvent);
            var first = await Task.WhenAny(listening, filter.Exited).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(first == listening, $"the filter exited before listening:\n{filter.StandardError}");
            var state = (await listening).GetProperty("State");
            filter.ExtProcPort = state.GetProperty("ExtProcPort").GetInt32();
            filter.AdminPort = int.TryParse(state.GetProperty("AdminPort").GetString(), out var admin) ? admin : 0;
        }

        return filter;
    }

    /// <summary>Completes with the first log event (past or future) with this id and matching <paramref name="match"/>.</summary>
    public Task<JsonElement> WaitForEventAsync(int eventId, Func<JsonElement, bool>? match = null)
    {
        bool Matches(JsonElement e) => e.TryGetProperty("EventId", out var id) && id.GetInt32() == eventId && (match is null || match(e));
        var done = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_events)
        {
            foreach (var e in _events.Where(Matches))
            {
                done.TrySetResult(e);
                return done.Task;
            }

            _waiters.Add((Matches, done));
        }

        return done.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Every event seen so far.</summary>
    public IReadOnlyList<JsonElement> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Sends SIGTERM, as the kubelet does.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    private void OnLine(string line)
    {
        JsonElement e;
        try
        {
            using var document = JsonDocument.Parse(line);
            e = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // Every stdout line must be one JSON object when the JSON formatter is on.
            e = JsonDocument.Parse(JsonSerializer.Serialize(new { NotJson = line })).RootElement.Clone();
        }

        lock (_events)
        {
            _events.Add(e);
            foreach (var waiter in _waiters.Where(w => w.Match(e)).ToList())
            {
                waiter.Done.TrySetResult(e);
                _waiters.Remove(waiter);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _exited.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        _process.Dispose();
    }
}
