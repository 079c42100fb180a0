using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace EnvoyTraceFilter.Configuration;

/// <summary>
/// Calls back when the sampling rules file changes, so an edited (or remounted) rules file reloads like the
/// configuration does. Polls the file's timestamp (every 4 s): a Kubernetes ConfigMap volume swaps a symlinked
/// directory, which inotify watchers miss.
/// </summary>
internal sealed class SamplingRulesWatcher : IDisposable
{
    private readonly Action _changed;
    private readonly Lock _gate = new();
    private string? _path;
    private PhysicalFileProvider? _files;
    private IDisposable? _subscription;

    public SamplingRulesWatcher(Action changed) => _changed = changed;

    /// <summary>Watches <paramref name="path"/> (null: nothing); a call with the path already watched changes nothing.</summary>
    public void Watch(string? path)
    {
        var full = string.IsNullOrWhiteSpace(path) ? null : Path.GetFullPath(path);
        lock (_gate)
        {
            if (full == _path)
            {
                return;
            }

            Stop();
            _path = full;
            var directory = full is null ? null : Path.GetDirectoryName(full);
            if (directory is null || !Directory.Exists(directory))
            {
                return; // nothing to watch yet; a configuration reload sets it again
            }

            _files = new PhysicalFileProvider(directory) { UsePollingFileWatcher = true, UseActivePolling = true };
            var files = _files;
            var name = Path.GetFileName(full!);
            _subscription = ChangeToken.OnChange(() => files.Watch(name), _changed);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            Stop();
        }
    }

    private void Stop()
    {
        _subscription?.Dispose();
        _files?.Dispose();
        _subscription = null;
        _files = null;
    }
}
