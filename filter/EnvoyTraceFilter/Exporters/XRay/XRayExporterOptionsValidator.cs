using EnvoyTraceFilter.Core.XRay;
using Microsoft.Extensions.Options;

namespace EnvoyTraceFilter.Exporters.XRay;

/// <summary>Fails startup with messages that name the setting, the value and the expected form.</summary>
internal sealed class XRayExporterOptionsValidator : IValidateOptions<XRayExporterOptions>
{
    private readonly Func<string, string?> _environment;

    public XRayExporterOptionsValidator()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    internal XRayExporterOptionsValidator(Func<string, string?> environment) => _environment = environment;

    public ValidateOptionsResult Validate(string? name, XRayExporterOptions options)
    {
        var errors = new List<string>();
        var (value, source) = options.EffectiveDaemonAddress(_environment);
        if (!XRayDaemonAddress.TryParse(value, out _, out var error))
        {
            errors.Add($"{source} {error}");
        }

        const string section = XRayExporterOptions.SectionName;
        if (options.QueueCapacity is < 1 or > 1_000_000)
        {
            errors.Add($"{section}:QueueCapacity {options.QueueCapacity} must be from 1 to 1000000");
        }

        RequirePositive(errors, $"{section}:ShutdownDrainTimeout", options.ShutdownDrainTimeout);
        if (options.BatchDelay < TimeSpan.Zero)
        {
            errors.Add($"{section}:BatchDelay {options.BatchDelay} must not be negative (zero sends each span at once)");
        }

        RequirePositive(errors, $"{section}:DnsRefreshInterval", options.DnsRefreshInterval);
        RequirePositive(errors, $"{section}:DnsRetryInterval", options.DnsRetryInterval);
        RequirePositive(errors, $"{section}:DnsResolveTimeout", options.DnsResolveTimeout);
        RequirePositive(errors, $"{section}:LogInterval", options.LogInterval);
        if (!Enum.IsDefined(options.TraceIdPolicy))
        {
            errors.Add($"{section}:TraceIdPolicy '{options.TraceIdPolicy}' is not Drop or Passthrough");
        }

        if (options.MaxDatagramBytes is < 256 or > 65_507)
        {
            errors.Add($"{section}:MaxDatagramBytes {options.MaxDatagramBytes} must be from 256 to 65507");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void RequirePositive(List<string> errors, string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{key} {value} must be greater than zero");
        }
    }
}
