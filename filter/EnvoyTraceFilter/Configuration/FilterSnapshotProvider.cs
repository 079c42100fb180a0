using EnvoyTraceFilter.Telemetry;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace EnvoyTraceFilter.Configuration;

/// <summary>
/// Holds the current <see cref="FilterSnapshot"/> and replaces it when the configuration reloads. An invalid
/// reload keeps the last good snapshot and logs every error; in-flight streams keep the snapshot they took.
/// </summary>
public sealed class FilterSnapshotProvider : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly ILogger<FilterSnapshotProvider> _log;
    private readonly FilterMetrics _metrics;
    private readonly IDisposable _subscription;
    private FilterSnapshot _current;

    public FilterSnapshotProvider(IConfiguration configuration, IOptions<TraceFilterOptions> startup, ILogger<FilterSnapshotProvider> log, FilterMetrics metrics)
    {
        _configuration = configuration;
        _log = log;
        _metrics = metrics;
        var errors = new List<string>();
        // Startup options were validated by ValidateOnStart, so this cannot fail; the check keeps it honest.
        _current = FilterSnapshotCompiler.TryCompile(startup.Value, errors)
            ?? throw new OptionsValidationException(TraceFilterOptions.SectionName, typeof(TraceFilterOptions), errors);
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => Reload());
    }

    public FilterSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Re-reads the configuration; returns the errors that kept the old snapshot (empty when applied).</summary>
    public IReadOnlyList<string> Reload()
    {
        var errors = new List<string>();
        try
        {
            var options = new TraceFilterOptions();
            _configuration.GetSection(TraceFilterOptions.SectionName).Bind(options);
            if (FilterSnapshotCompiler.TryCompile(options, errors) is { } snapshot)
            {
                Volatile.Write(ref _current, snapshot);
                _metrics.ConfigReloaded(applied: true);
                ConfigLog.ReloadApplied(_log);
                return errors;
            }
        }
        catch (InvalidOperationException e)
        {
            // The binder throws for values of the wrong type (e.g. a Port that is not a number).
            errors.Add(e.Message);
        }

        _metrics.ConfigReloaded(applied: false);
        ConfigLog.ReloadRejected(_log, string.Join(" ", errors));
        return errors;
    }

    public void Dispose() => _subscription.Dispose();
}
