using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace EnvoyTraceFilter.Exporters.XRay;

public static class XRayExporterServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="XRayExporter"/> as a singleton and as a hosted service (so the host starts the sending
    /// loop and drains it on shutdown), binds <c>TraceFilter:XRay</c> and validates it at startup.
    /// </summary>
    public static IServiceCollection AddXRayExporter(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<XRayExporterOptions>()
            .Bind(configuration.GetSection(XRayExporterOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<XRayExporterOptions>, XRayExporterOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<XRayExporterMetrics>();
        services.TryAddSingleton<XRayExporter>();
        services.AddHostedService(sp => sp.GetRequiredService<XRayExporter>());
        return services;
    }
}
