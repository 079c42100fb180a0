using System.Net;
using EnvoyTraceFilter.Admin;
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
using Microsoft.Extensions.Options;

namespace EnvoyTraceFilter.Hosting;

public static class TraceFilterHostingExtensions
{
    /// <summary>ASP.NET Core's per-request hosting log category; switched off (see <see cref="AddTraceFilter"/>).</summary>
    public const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    public static WebApplicationBuilder AddTraceFilter(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        ConfigFile.KeepLastGood(builder.Configuration);
        // With this category enabled, ASP.NET Core creates an Activity and a log scope for every call: CPU on every
        // stream for nothing (each ext_proc stream is one request; nothing here logs per request), and an ambient
        // Activity that span code could inherit by accident.
        builder.Logging.AddFilter(HostingDiagnosticsCategory, LogLevel.None);
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
        // The edge gets only the span source, and none at all when no exporter is on.
        services.AddSingleton(sp => new StreamServices(sp.GetRequiredService<FilterMetrics>(), sp.GetRequiredService<ErrorLogLimiter>(),
            sp.GetRequiredService<SpanSink>() is { Enabled: true } sink ? sink : null, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<StreamServices>>()));
        AddExporters(builder);
        services.AddSingleton<ListenerEndpoints>();
        services.AddSingleton<Readiness>();
        if (AdminEndpoints.Enabled(builder.Configuration))
        {
            AdminEndpoints.AddAdminMetrics(services);
        }

        // The host's stop (after GracefulDrain has closed the listeners) must leave both exporters their drain time.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = ExporterDrainBudget(builder.Configuration));

        services.AddGrpc(o => o.EnableDetailedErrors = false);
        services.AddGrpcHealthChecks().AddCheck<ReadinessHealthCheck>("trace-filter");

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            var options = new TraceFilterOptions();
            context.Configuration.GetSection(TraceFilterOptions.SectionName).Bind(options);
            var listeners = kestrel.ApplicationServices.GetRequiredService<ListenerEndpoints>();
            // HTTP/2 only: h2c cannot be negotiated on a cleartext Http1AndHttp2 endpoint, and Envoy's
            // gRPC client speaks HTTP/2 with prior knowledge.
            var port = options.Port is >= 0 and <= 65535 ? options.Port : TraceFilterOptions.DefaultPort;
            listeners.ExtProc = Listen(kestrel, options.ListenAddress, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (options.MaxConnections is > 0 and var max)
                {
                    ConnectionCap.Apply(listen, max);
                }

                if (options.MaxConnectionAge is { } age && age > TimeSpan.Zero)
                {
                    MaxConnectionAge.Apply(listen, age);
                }
            });
            if (options.Admin.Enabled)
            {
                var adminPort = options.Admin.Port is >= 0 and <= 65535 ? options.Admin.Port : AdminOptions.DefaultPort;
                listeners.Admin = Listen(kestrel, options.Admin.ListenAddress, adminPort, listen => listen.Protocols = HttpProtocols.Http1);
            }

            // Envoy's max_concurrent_streams per connection (see TraceFilterOptions).
            kestrel.Limits.Http2.MaxStreamsPerConnection = options.MaxStreamsPerConnection > 0 ? options.MaxStreamsPerConnection : 1024;
            // Idle connections, also ones that never finished the HTTP/2 preface (see TraceFilterOptions.IdleTimeout).
            // A client whose stream window stays closed on a pending answer is closed by Kestrel's MinResponseDataRate
            // (240 B/s after a 5 s grace, left at Kestrel's default); a wait on the connection window is not timed, so
            // the silent client behind it is left to the keep-alive PING (FlowControlTests, RATIONALE.md).
            kestrel.Limits.KeepAliveTimeout = options.IdleTimeout > TimeSpan.Zero ? options.IdleTimeout : TraceFilterOptions.DefaultIdleTimeout;
            // A client that holds streams and has stopped reading (or died without a FIN) never answers the PING.
            if (options.KeepAlivePingDelay > TimeSpan.Zero && options.KeepAlivePingTimeout > TimeSpan.Zero)
            {
                kestrel.Limits.Http2.KeepAlivePingDelay = options.KeepAlivePingDelay;
                kestrel.Limits.Http2.KeepAlivePingTimeout = options.KeepAlivePingTimeout;
            }
        });
        return builder;
    }

    private static ListenOptions Listen(KestrelServerOptions kestrel, string listenAddress, int port, Action<ListenOptions> configure)
    {
        ListenOptions? bound = null;
        void Capture(ListenOptions listen)
        {
            bound = listen;
            configure(listen);
        }

        if (listenAddress != "*" && IPAddress.TryParse(listenAddress, out var address))
        {
            kestrel.Listen(address, port, Capture);
        }
        else
        {
            kestrel.ListenAnyIP(port, Capture);
        }

        return bound!;
    }

    /// <summary>Both exporters' ShutdownDrainTimeout (they stop one after the other) plus a margin; read leniently, validation reports bad values.</summary>
    private static TimeSpan ExporterDrainBudget(IConfiguration configuration)
    {
        static TimeSpan Read(IConfiguration c, string key) =>
            TimeSpan.TryParse(c[key], System.Globalization.CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero ? value : TimeSpan.FromSeconds(2);
        return Read(configuration, ZipkinOptions.SectionName + ":ShutdownDrainTimeout")
            + Read(configuration, XRayExporterOptions.SectionName + ":ShutdownDrainTimeout")
            + TimeSpan.FromSeconds(10);
    }

    private static void AddExporters(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddXRayExporter(builder.Configuration);
        services.AddOptions<ZipkinOptions>()
            .Bind(builder.Configuration.GetSection(ZipkinOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ZipkinOptions>, ZipkinOptionsValidator>();
        services.AddSingleton<ZipkinSpanExporter>();
        services.AddHostedService(sp => sp.GetRequiredService<ZipkinSpanExporter>());
        services.AddSingleton(sp => new SpanSink(
            sp.GetRequiredService<IOptions<XRayExporterOptions>>().Value.Enabled ? sp.GetRequiredService<XRayExporter>() : null,
            sp.GetRequiredService<IOptions<ZipkinOptions>>().Value.Enabled ? sp.GetRequiredService<ZipkinSpanExporter>() : null,
            sp.GetRequiredService<IIdGenerator>()));

        // The queue-depth gauge sees the enabled exporters through IExportQueue only.
        services.AddSingleton(sp => new ExportQueueMetrics(sp.GetRequiredService<IMeterFactory>(),
        [
            .. sp.GetRequiredService<IOptions<XRayExporterOptions>>().Value.Enabled ? [sp.GetRequiredService<XRayExporter>()] : Array.Empty<IExportQueue>(),
            .. sp.GetRequiredService<IOptions<ZipkinOptions>>().Value.Enabled ? [sp.GetRequiredService<ZipkinSpanExporter>()] : Array.Empty<IExportQueue>(),
        ]));
    }

    public static WebApplication MapTraceFilter(this WebApplication app)
    {
        AdminEndpoints.UseListenerSeparation(app);
        app.MapGrpcService<ExternalProcessorService>();
        app.MapGrpcHealthChecksService();
        if (AdminEndpoints.Enabled(app.Configuration))
        {
            AdminEndpoints.Map(app);
        }

        // Ready once the host has started: configuration validated, listeners bound, first snapshot built.
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            _ = app.Services.GetRequiredService<FilterSnapshotProvider>();
            _ = app.Services.GetRequiredService<ExportQueueMetrics>();
            var listeners = app.Services.GetRequiredService<ListenerEndpoints>();
            HostingLog.Listening(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TraceFilterHostingExtensions).FullName!),
                listeners.ExtProcPort, listeners.AdminPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(disabled)");
            app.Services.GetRequiredService<Readiness>().MarkReady();
        });
        return app;
    }

    /// <summary>Every validation message in a startup failure (one options type, or several in an AggregateException).</summary>
    public static IReadOnlyList<string> ConfigurationFailures(Exception e) => e switch
    {
        OptionsValidationException single => [.. single.Failures],
        AggregateException many when many.InnerExceptions.All(i => i is OptionsValidationException) =>
            [.. many.InnerExceptions.Cast<OptionsValidationException>().SelectMany(i => i.Failures)],
        // The binder's own error for a value of the wrong type (e.g. a TimeSpan) names the key.
        InvalidOperationException { Message: var message } when message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) => [message],
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
            await GracefulDrain.RunUntilStoppedAsync(app).ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (ConfigurationFailures(e) is { Count: > 0 } failures)
        {
            await Console.Error.WriteLineAsync("EnvoyTraceFilter: invalid configuration:").ConfigureAwait(false);
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync("  " + ConfigFile.WithSource(failure, app.Configuration)).ConfigureAwait(false);
            }

            return 2;
        }
    }
}
