using System.Net;
using EnvoyTraceFilter.Configuration;
using EnvoyTraceFilter.Core.Propagation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Diagnostics.Metrics;
using EnvoyTraceFilter.Exporters;
using EnvoyTraceFilter.Exporters.XRay;
using EnvoyTraceFilter.Exporters.Zipkin;
using EnvoyTraceFilter.ExtProc;
using EnvoyTraceFilter.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace EnvoyTraceFilter.Hosting;

public static class TraceFilterHostingExtensions
{
    public static WebApplicationBuilder AddTraceFilter(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TraceFilterOptions>()
            .Bind(builder.Configuration.GetSection(TraceFilterOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TraceFilterOptions>>(sp => new TraceFilterOptionsValidator(sp.GetRequiredService<EnvironmentLookup>()));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<FilterMetrics>();
        services.AddSingleton<ErrorLogLimiter>();
        services.TryAddSingleton<EnvironmentLookup>(Environment.GetEnvironmentVariable);
        services.TryAddSingleton<IIdGenerator>(sp => new RandomIdGenerator(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<FilterSnapshotProvider>();
        services.AddSingleton<StreamServices>();
        AddExporters(builder);

        services.AddGrpc(o => o.EnableDetailedErrors = false);
        services.AddGrpcHealthChecks().AddCheck("trace-filter", () => HealthCheckResult.Healthy());

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var options = new TraceFilterOptions();
            context.Configuration.GetSection(TraceFilterOptions.SectionName).Bind(options);
            // HTTP/2 only: h2c cannot be negotiated on a cleartext Http1AndHttp2 endpoint, and Envoy's
            // gRPC client speaks HTTP/2 with prior knowledge.
            var port = options.Port is >= 0 and <= 65535 ? options.Port : TraceFilterOptions.DefaultPort;
            if (options.ListenAddress != "*" && IPAddress.TryParse(options.ListenAddress, out var address))
            {
                kestrel.Listen(address, port, listen => listen.Protocols = HttpProtocols.Http2);
            }
            else
            {
                kestrel.ListenAnyIP(port, listen => listen.Protocols = HttpProtocols.Http2);
            }

            // Envoy's max_concurrent_streams per connection (see TraceFilterOptions).
            kestrel.Limits.Http2.MaxStreamsPerConnection = options.MaxStreamsPerConnection > 0 ? options.MaxStreamsPerConnection : 1024;
        });
        return builder;
    }

    private static void AddExporters(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddXRayExporter(builder.Configuration);
        services.AddOptions<ZipkinOptions>()
            .Bind(builder.Configuration.GetSection(ZipkinOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ZipkinOptions>, ZipkinOptionsValidator>();
        services.AddSingleton<HopActivitySource>();
        services.AddSingleton(sp =>
        {
            var naming = sp.GetRequiredService<IOptions<TraceFilterOptions>>().Value.Naming;
            // One exporter per service name: the naming guard's host names, plus fixed names and the fallback.
            var names = Math.Max(0, naming.MaxDistinctNames) + naming.Rules.Length + 1;
            return new ZipkinSpanExporter(sp.GetRequiredService<IOptions<ZipkinOptions>>(), sp.GetRequiredService<IMeterFactory>(), names);
        });
        services.AddHostedService(sp => sp.GetRequiredService<ZipkinSpanExporter>());
        services.AddSingleton(sp => new SpanSink(
            sp.GetRequiredService<IOptions<XRayExporterOptions>>().Value.Enabled ? sp.GetRequiredService<XRayExporter>() : null,
            sp.GetRequiredService<IOptions<ZipkinOptions>>().Value.Enabled ? sp.GetRequiredService<ZipkinSpanExporter>() : null,
            sp.GetRequiredService<HopActivitySource>()));
    }

    public static WebApplication MapTraceFilter(this WebApplication app)
    {
        app.MapGrpcService<ExternalProcessorService>();
        app.MapGrpcHealthChecksService();
        return app;
    }

    /// <summary>Every validation message in a startup failure (one options type, or several in an AggregateException).</summary>
    public static IReadOnlyList<string> ConfigurationFailures(Exception e) => e switch
    {
        OptionsValidationException single => [.. single.Failures],
        AggregateException many when many.InnerExceptions.All(i => i is OptionsValidationException) =>
            [.. many.InnerExceptions.Cast<OptionsValidationException>().SelectMany(i => i.Failures)],
        _ => [],
    };

    /// <summary>Runs the host; a configuration error prints every problem and exits with code 2.</summary>
    public static async Task<int> RunTraceFilterAsync(this WebApplication app)
    {
        try
        {
            // Validate every options type before the host resolves its hosted services (the exporters read their
            // options when constructed), so all configuration errors are reported together.
            app.Services.GetService<IStartupValidator>()?.Validate();
            await app.StartAsync().ConfigureAwait(false);
            // Build the first snapshot now (startup validation has passed), not on the first request.
            _ = app.Services.GetRequiredService<FilterSnapshotProvider>();
            await app.WaitForShutdownAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (ConfigurationFailures(e) is { Count: > 0 } failures)
        {
            await Console.Error.WriteLineAsync("EnvoyTraceFilter: invalid configuration:").ConfigureAwait(false);
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync("  " + failure).ConfigureAwait(false);
            }

            return 2;
        }
    }
}
