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
    private readonly SamplingRulesWatcher _rulesFile;
    private readonly Lock _reloadGate = new();
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
        _rulesFile = new SamplingRulesWatcher(() => Reload());
        _rulesFile.Watch(startup.Value.Sampling.RulesFile);
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, () => Reload());
    }

    public FilterSnapshot Current => Volatile.Read(ref _current);

    /// <summary>Raised after each reload attempt: true when the new configuration was applied.</summary>
    public event Action<bool>? Reloaded;

    /// <summary>Re-reads the configuration; returns the errors that kept the old snapshot (empty when applied).</summary>
    public IReadOnlyList<string> Reload()
    {
        // The configuration and the rules file may change at once; versions apply in the order they were read.
        lock (_reloadGate)
        {
            return ReloadLocked();
        }
    }

    private IReadOnlyList<string> ReloadLocked()
    {
        var errors = new List<string>();
        try
        {
            // A file that failed to reload still serves its last good content; the reload is refused all the same.
            if (_configuration is IConfigurationRoot root)
            {
                foreach (var provider in root.Providers)
                {
                    if (provider is LastGoodJsonConfigurationProvider { LoadError: { } loadError })
                    {
                        errors.Add(loadError);
                    }
                }
            }

            var options = new TraceFilterOptions();
            _configuration.GetSection(TraceFilterOptions.SectionName).Bind(options);
            // Follow the path now configured, even if this version is refused (e.g. its file is not there yet).
            _rulesFile.Watch(options.Sampling.RulesFile);
            if (errors.Count == 0 && FilterSnapshotCompiler.TryCompile(options, errors, _ids, name => _environment(name), _hostNames) is { } snapshot)
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

    public void Dispose()
    {
        _subscription.Dispose();
        _rulesFile.Dispose();
    }
}
