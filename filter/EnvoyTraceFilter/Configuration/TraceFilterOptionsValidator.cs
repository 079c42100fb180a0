using Microsoft.Extensions.Options;

namespace EnvoyTraceFilter.Configuration;

/// <summary>
/// Checks the whole configuration without stopping at the first problem, and names the key and the fix in
/// each message. Used at startup (ValidateOnStart) and on every live reload.
/// </summary>
public sealed class TraceFilterOptionsValidator(EnvironmentLookup? environment = null) : IValidateOptions<TraceFilterOptions>
{
    public ValidateOptionsResult Validate(string? name, TraceFilterOptions options)
    {
        var errors = new List<string>();
        FilterSnapshotCompiler.TryCompile(options, errors, environment: environment is null ? null : name => environment(name));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
