using EnvoyTraceFilter.Configuration;
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

    /// <summary>Adds the file; returns the startup error naming the variable when it is set but the file is missing or not valid JSON.</summary>
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

        var source = new LastGoodJsonConfigurationSource
        {
            // A Kubernetes ConfigMap volume replaces the file by swapping a symlinked directory, which inotify
            // watchers miss; polling the file's timestamp (every 4 s) sees it.
            FileProvider = new PhysicalFileProvider(Path.GetDirectoryName(full)!) { UsePollingFileWatcher = true, UseActivePolling = true },
            Path = Path.GetFileName(full),
            Optional = false,
            Watch = true,
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

        try
        {
            // The configuration manager loads a source as it is added.
            sources.Insert(last + 1, source);
        }
        catch (InvalidDataException e)
        {
            sources.Remove(source);
            error = $"{Variable} names '{path}': {LastGoodJsonConfigurationProvider.Describe(full, e)}";
            return null;
        }

        return full;
    }

    /// <summary>
    /// Puts every JSON file source (appsettings.json and its environment variant among them) behind a
    /// <see cref="LastGoodJsonConfigurationSource"/>, so a bad edit of a watched file keeps its last good content.
    /// </summary>
    public static void KeepLastGood(IConfigurationBuilder configuration)
    {
        var sources = configuration.Sources;
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is JsonConfigurationSource json and not LastGoodJsonConfigurationSource)
            {
                sources[i] = LastGoodJsonConfigurationSource.From(json);
            }
        }
    }

    /// <summary>
    /// Adds where a value came from to the binder's "Failed to convert configuration value '…' at 'key' …" message:
    /// the file, or the environment variable, that set the key.
    /// </summary>
    public static string WithSource(string failure, IConfiguration configuration)
    {
        var at = failure.IndexOf(" at '", StringComparison.Ordinal);
        var end = at < 0 ? -1 : failure.IndexOf('\'', at + 5);
        if (end < 0 || configuration is not IConfigurationRoot root)
        {
            return failure;
        }

        var key = failure[(at + 5)..end];
        foreach (var provider in root.Providers.Reverse())
        {
            if (!provider.TryGet(key, out _))
            {
                continue;
            }

            return provider switch
            {
                FileConfigurationProvider file => $"{failure} (set in {file.Source.FileProvider?.GetFileInfo(file.Source.Path ?? "").PhysicalPath ?? file.Source.Path})",
                Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationProvider =>
                    $"{failure} (set by the environment variable {key.Replace(":", "__", StringComparison.Ordinal)})",
                _ => failure,
            };
        }

        return failure;
    }
}
