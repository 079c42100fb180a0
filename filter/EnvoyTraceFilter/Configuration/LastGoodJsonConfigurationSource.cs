using System.Text.Json;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Primitives;

namespace EnvoyTraceFilter.Configuration;

/// <summary>
/// A JSON configuration file that keeps its last good content when a live reload finds it malformed, unreadable
/// or gone. The stock provider, on reload, empties itself for a missing file (the file's settings silently fall back
/// to the defaults) and rethrows a parse error on the file watcher's thread. The first load fails as usual, so a bad
/// file still stops startup.
/// </summary>
public sealed class LastGoodJsonConfigurationSource : JsonConfigurationSource
{
    /// <summary>Reload when the file changes (the base class's own reloading stays off: this source does it).</summary>
    public bool Watch { get; init; }

    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        ReloadOnChange = false;
        return new LastGoodJsonConfigurationProvider(this);
    }

    /// <summary>The same file, read through a <see cref="LastGoodJsonConfigurationSource"/>.</summary>
    public static LastGoodJsonConfigurationSource From(JsonConfigurationSource source) => new()
    {
        FileProvider = source.FileProvider,
        Path = source.Path!,
        Optional = source.Optional,
        Watch = source.ReloadOnChange,
        ReloadDelay = source.ReloadDelay,
    };
}

/// <summary>See <see cref="LastGoodJsonConfigurationSource"/>.</summary>
public sealed class LastGoodJsonConfigurationProvider : JsonConfigurationProvider
{
    private readonly LastGoodJsonConfigurationSource _source;
    private readonly IDisposable? _watch;
    private volatile string? _loadError;

    public LastGoodJsonConfigurationProvider(LastGoodJsonConfigurationSource source)
        : base(source)
    {
        _source = source;
        if (source.Watch && source.FileProvider is { } files && source.Path is { } path)
        {
            _watch = ChangeToken.OnChange(() => files.Watch(path), Reload);
        }
    }

    /// <summary>Why the latest reload of the file was refused (its last good content is in force); null after a good load.</summary>
    public string? LoadError => _loadError;

    /// <summary>"configuration file {file} is not valid JSON: {where and what}" or "… could not be read: {why}".</summary>
    /// <param name="path">The file; null: taken from the loader's message, which names it.</param>
    public static string Describe(string? path, Exception exception)
    {
        path ??= QuotedPath(exception.Message);
        var innermost = exception;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }

        return innermost is JsonException or FormatException
            ? $"configuration file {path} is not valid JSON: {innermost.Message}"
            : $"configuration file {path} could not be read: {innermost.Message}";
    }

    protected override void Dispose(bool disposing)
    {
        _watch?.Dispose();
        base.Dispose(disposing);
    }

    private void Reload()
    {
        // As the stock provider does: give the writer a moment to finish.
        Thread.Sleep(_source.ReloadDelay);
        var file = _source.FileProvider?.GetFileInfo(_source.Path ?? "");
        var path = file?.PhysicalPath ?? _source.Path;
        try
        {
            if (file is null || !file.Exists)
            {
                throw new FileNotFoundException("the file is missing");
            }

            using var stream = file.PhysicalPath is { } physical
                ? new FileStream(physical, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan)
                : file.CreateReadStream();
            // Replaces the data only when the whole file parsed.
            Load(stream);
            _loadError = null;
        }
        catch (Exception e)
        {
            // Runs on the file watcher's thread: nothing may escape, and the last good data stays.
            _loadError = Describe(path, e);
        }

        OnReload();
    }

    // "Failed to load configuration from file '/app/appsettings.json'."
    private static string? QuotedPath(string message)
    {
        var start = message.IndexOf('\'');
        var end = start < 0 ? -1 : message.LastIndexOf('\'');
        return end > start ? message[(start + 1)..end] : null;
    }
}
