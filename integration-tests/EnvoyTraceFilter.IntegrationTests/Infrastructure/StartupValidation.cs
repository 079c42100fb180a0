using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

internal static class StartupValidation
{
    /// <summary>What the host's startup validation throws, as it would at start; null when the configuration is valid.</summary>
    public static Exception? Run(WebApplication app) => Record.Exception(app.Services.GetRequiredService<IStartupValidator>().Validate);
}
