using EnvoyTraceFilter.Configuration;
using Microsoft.Extensions.Options;

namespace EnvoyTraceFilter.Exporters.Zipkin;

/// <summary>Fails startup with messages that name the key, the value and the fix.</summary>
internal sealed class ZipkinOptionsValidator : IValidateOptions<ZipkinOptions>
{
    /// <summary>Beyond this a hung collector would stall the export loop for minutes per POST, while the queue drops.</summary>
    public static readonly TimeSpan MaxExportTimeout = TimeSpan.FromMinutes(5);

    public ValidateOptionsResult Validate(string? name, ZipkinOptions options)
    {
        const string section = ZipkinOptions.SectionName;
        var errors = new List<string>();
        FilterSnapshotCompiler.ParseEnum<ZipkinProtocol>(options.Protocol, $"{section}:Protocol", errors);

        if (!string.IsNullOrWhiteSpace(options.Endpoint)
            && (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            errors.Add($"{section}:Endpoint '{options.Endpoint}' is not an absolute http(s) URL, e.g. http://zipkin:9411/api/v2/spans.");
        }

        if (options.QueueCapacity is < 1 or > 1_000_000)
        {
            errors.Add($"{section}:QueueCapacity {options.QueueCapacity} must be from 1 to 1000000.");
        }

        if (options.MaxBatchSize < 1)
        {
            errors.Add($"{section}:MaxBatchSize {options.MaxBatchSize} must be at least 1.");
        }

        if (options.BatchDelay < TimeSpan.Zero)
        {
            errors.Add($"{section}:BatchDelay {options.BatchDelay} must not be negative (zero sends each span at once).");
        }

        if (options.ExportTimeout <= TimeSpan.Zero || options.ExportTimeout > MaxExportTimeout)
        {
            errors.Add($"{section}:ExportTimeout {options.ExportTimeout} must be greater than zero and at most {MaxExportTimeout} (a hung collector holds the export loop this long per POST; default 00:00:10).");
        }

        if (options.ShutdownDrainTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{section}:ShutdownDrainTimeout {options.ShutdownDrainTimeout} must be greater than zero.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
