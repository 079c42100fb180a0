using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace EnvoyTraceFilter.Hosting;

/// <summary>
/// The optional extra JSON file named by <c>TRACEFILTER_CONFIG_FILE</c> (the Helm chart mounts its ConfigMap there).
/// It layers over appsettings.json and under environment variables and arguments, and reloads on change.
/// </summary>
public static class ConfigFile
{
    public const string Variable = "TRACEFILTER_CONFIG_FILE";

    /// <summary>Adds the file; returns the startup error naming the variable when it is set but the file is missing.</summary>
    /// <returns>The full path added, or null when the variable is unset.</returns>
    public static string? Add(IConfigurationBuilder configuration, string? path, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            error = $"{Variable} names '{path}', which does not exist ({full}); mount the file there or unset {Variable}.";
            return null;
        }

        var source = new JsonConfigurationSource
        {
            // A Kubernetes ConfigMap volume replaces the file by swapping a symlinked directory, which inotify
            // watchers miss; polling the file's timestamp (every 4 s) sees it.
            FileProvider = new PhysicalFileProvider(Path.GetDirectoryName(full)!) { UsePollingFileWatcher = true, UseActivePolling = true },
            Path = Path.GetFileName(full),
            Optional = false,
            ReloadOnChange = true,
        };

        // Right after the last JSON file (appsettings.{Environment}.json), so environment variables and
        // command-line arguments still override it.
        var sources = configuration.Sources;
        var last = -1;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource)
            {
                last = i;
            }
        }

        sources.Insert(last + 1, source);
        return full;
    }
}
