using EnvoyTraceFilter.Core.Naming;
using EnvoyTraceFilter.Core.Propagation;
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
    private readonly IIdGenerator _ids;
    private readonly EnvironmentLookup _environment;
    private readonly IDisposable _subscription;
    // One for the life of the process: the cap on host-derived names holds whatever reloads.
    private readonly DistinctNameGuard _hostNames;
    private FilterSnapshot _current;

    public FilterSnapshotProvider(IConfiguration configuration, IOptions<TraceFilterOptions> startup, ILogger<FilterSnapshotProvider> log,
        FilterMetrics metrics, IIdGenerator ids, EnvironmentLookup environment)
    {
        _environment = environment;
        _configuration = configuration;
        _log = log;
        _metrics = metrics;
        _ids = ids;
        var errors = new List<string>();
        _hostNames = new DistinctNameGuard(startup.Value.Naming.MaxDistinctNames);
        // Startup options were validated by ValidateOnStart, so this cannot fail; the check keeps it honest.
        _current = FilterSnapshotCompiler.TryCompile(startup.Value, errors, ids, name => environment(name), _hostNames)
            ?? throw new OptionsValidationException(TraceFilterOptions.SectionName, typeof(TraceFilterOptions), errors);
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => Reload());
    }

    public FilterSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Raised after each reload attempt: true when the new configuration was applied.</summary>
    public event Action<bool>? Reloaded;

    /// <summary>Re-reads the configuration; returns the errors that kept the old snapshot (empty when applied).</summary>
    public IReadOnlyList<string> Reload()
    {
        var errors = new List<string>();
        try
        {
            var options = new TraceFilterOptions();
            _configuration.GetSection(TraceFilterOptions.SectionName).Bind(options);
            if (FilterSnapshotCompiler.TryCompile(options, errors, _ids, name => _environment(name), _hostNames) is { } snapshot)
            {
                _hostNames.Max = options.Naming.MaxDistinctNames;
                Volatile.Write(ref _current, snapshot);
                _metrics.ConfigReloaded(applied: true);
                ConfigLog.ReloadApplied(_log);
                Reloaded?.Invoke(true);
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
        Reloaded?.Invoke(false);
        return errors;
    }

    public void Dispose() => _subscription.Dispose();
}
