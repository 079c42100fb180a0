using EnvoyTraceFilter.Configuration;
using EnvoyTraceFilter.Hosting;
using EnvoyTraceFilter.Telemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace EnvoyTraceFilter.Admin;

/// <summary>
/// /healthz, /readyz and /metrics on the admin listener only; everything else (the gRPC services) on the ext_proc
/// listener only. A request on the wrong listener gets 404, so neither port exposes the other's surface.
/// </summary>
internal static class AdminEndpoints
{
    public const string HealthPath = "/healthz";
    public const string ReadyPath = "/readyz";
    public const string MetricsPath = "/metrics";

    /// <summary>Marks the endpoints served on the admin listener.</summary>
    private sealed class AdminOnly
    {
        public static readonly AdminOnly Instance = new();
    }

    /// <summary>The .NET runtime's built-in meter (GC heap, working set, thread pool, exceptions), exported beside ours.</summary>
    public const string RuntimeMeterName = "System.Runtime";

    /// <summary>
    /// Prometheus exposition of the "EnvoyTraceFilter" meter (OpenTelemetry SDK, see RATIONALE.md) and of the runtime's
    /// "System.Runtime" meter, so GC heap, threads and working set are watched from the same scrape.
    /// </summary>
    public static void AddAdminMetrics(IServiceCollection services) =>
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("envoy-trace-filter"))
            .WithMetrics(metrics => metrics
            .AddMeter(FilterMetrics.MeterName, RuntimeMeterName)
            // Scrapes are rare and small: always fresh counters rather than a cached page.
            .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

    /// <summary>Runs after routing: the endpoint chosen and the listener the connection came in on must agree.</summary>
    public static void UseListenerSeparation(WebApplication app)
    {
        var listeners = app.Services.GetRequiredService<ListenerEndpoints>();
        app.Use((context, next) =>
        {
            var onAdmin = listeners.IsAdmin(context.Connection.LocalPort);
            var adminEndpoint = context.GetEndpoint()?.Metadata.GetMetadata<AdminOnly>() is not null;
            if (onAdmin != adminEndpoint)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            }

            return next(context);
        });
    }

    public static void Map(WebApplication app)
    {
        var readiness = app.Services.GetRequiredService<Readiness>();
        app.MapGet(HealthPath, () => Results.Text("ok\n")).WithMetadata(AdminOnly.Instance);
        app.MapGet(ReadyPath, () => readiness.IsReady
                ? Results.Text("ready\n")
                : Results.Text(readiness.Status + "\n", statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithMetadata(AdminOnly.Instance);
        app.MapPrometheusScrapingEndpoint(MetricsPath).WithMetadata(AdminOnly.Instance);
    }

    public static bool Enabled(IConfiguration configuration) =>
        configuration.GetValue<bool?>($"{TraceFilterOptions.SectionName}:Admin:{nameof(AdminOptions.Enabled)}") ?? true;
}
