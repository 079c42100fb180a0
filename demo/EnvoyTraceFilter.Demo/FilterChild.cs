using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace EnvoyTraceFilter.Demo;

/// <summary>
/// The filter's own build output run with <c>dotnet</c> as a child process: the very binary <c>make run</c>
/// starts, with its appsettings.json and its configuration checks. Its JSON console logs are read line by line,
/// to learn the bound ports (the "Listening" event) and to print each message in the demo terminal.
/// </summary>
public sealed class FilterChild : IAsyncDisposable
{
    private const int ListeningEventId = 5000;
    private readonly Process _process;
    private readonly TaskCompletionSource<(int ExtProc, int Admin)> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FilterChild(Process process) => _process = process;

    public int ProcessId => _process.Id;

    public int ExtProcPort { get; private set; }

    public int AdminPort { get; private set; }

    /// <summary>Completes with the exit code.</summary>
    public Task<int> Exited => _exited.Task;

    public static async Task<FilterChild> StartAsync(string dll, IDictionary<string, string> settings, IEnumerable<string> args,
        Action<string> print, CancellationToken cancellationToken)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"filter not built: {dll} (run 'dotnet build filter/EnvoyTraceFilter' or pass --filter-dll)");
        }

        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The demo's settings come as environment variables so that --TraceFilter:* arguments can override them.
        info.Environment["Logging__Console__FormatterName"] = "json";
        foreach (var (key, value) in settings)
        {
            info.Environment["TraceFilter__" + key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new FilterChild(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                child.OnLine(e.Data, print);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                print("filter  | " + e.Data);
            }
        };
        process.Exited += (_, _) => child._exited.TrySetResult(process.ExitCode);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var first = await Task.WhenAny(child._listening.Task, child._exited.Task).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken)
            .ConfigureAwait(false);
        if (first != child._listening.Task)
        {
            await child.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException($"the filter exited with code {await child._exited.Task.ConfigureAwait(false)} before listening");
        }

        (child.ExtProcPort, child.AdminPort) = await child._listening.Task.ConfigureAwait(false);
        return child;
    }

    private void OnLine(string line, Action<string> print)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var message = root.TryGetProperty("Message", out var m) ? m.GetString() : line;
            print("filter  | " + message);
            if (root.TryGetProperty("EventId", out var id) && id.GetInt32() == ListeningEventId)
            {
                var state = root.GetProperty("State");
                var admin = int.TryParse(state.GetProperty("AdminPort").GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var a) ? a : 0;
                _listening.TrySetResult((state.GetProperty("ExtProcPort").GetInt32(), admin));
            }
        }
        catch (JsonException)
        {
            print("filter  | " + line);
        }
    }

    /// <summary>Kills the filter (it may already be draining after the terminal's SIGINT) and waits for its exit.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _exited.Task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }
}
