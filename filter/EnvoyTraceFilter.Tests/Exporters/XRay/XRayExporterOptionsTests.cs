using EnvoyTraceFilter.Core.XRay;
using EnvoyTraceFilter.Exporters.XRay;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EnvoyTraceFilter.Tests.Exporters.XRay;

public sealed class XRayExporterOptionsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var options = new XRayExporterOptions();

        Assert.Null(options.DaemonAddress);
        Assert.Equal(2048, options.QueueCapacity);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ShutdownDrainTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), options.DnsRefreshInterval);
        Assert.Equal(XRayTraceIdPolicy.Drop, options.TraceIdPolicy);
        Assert.Equal(64_000, options.MaxDatagramBytes);
        Assert.Equal(("127.0.0.1:2000", "TraceFilter:XRay:DaemonAddress"), options.EffectiveDaemonAddress(NoEnvironment));
    }

    [Fact]
    public void Configured_address_wins_over_the_environment_which_wins_over_the_default()
    {
        Func<string, string?> environment = name => name == "AWS_XRAY_DAEMON_ADDRESS" ? "daemon:3000" : null;

        Assert.Equal(("daemon:3000", "AWS_XRAY_DAEMON_ADDRESS"), new XRayExporterOptions().EffectiveDaemonAddress(environment));
        Assert.Equal(("10.0.0.1:2000", "TraceFilter:XRay:DaemonAddress"),
            new XRayExporterOptions { DaemonAddress = "10.0.0.1:2000" }.EffectiveDaemonAddress(environment));
    }

    [Fact]
    public void Invalid_address_fails_validation_naming_setting_value_and_form()
    {
        var result = new XRayExporterOptionsValidator(NoEnvironment).Validate(null, new XRayExporterOptions { DaemonAddress = "foo" });

        Assert.Equal(
            ["TraceFilter:XRay:DaemonAddress 'foo' is not host:port or 'tcp:host:port udp:host:port': host and port must be separated by ':'"],
            result.Failures);
    }

    [Fact]
    public void Invalid_environment_address_names_the_environment_variable()
    {
        var validator = new XRayExporterOptionsValidator(_ => "udp:only:2000");

        var result = validator.Validate(null, new XRayExporterOptions());

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("AWS_XRAY_DAEMON_ADDRESS 'udp:only:2000' is not host:port", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Out_of_range_numbers_are_each_reported()
    {
        var options = new XRayExporterOptions
        {
            QueueCapacity = 0, ShutdownDrainTimeout = TimeSpan.Zero, TraceIdPolicy = (XRayTraceIdPolicy)7, MaxDatagramBytes = 70_000,
        };

        var failures = new XRayExporterOptionsValidator(NoEnvironment).Validate(null, options).Failures!.ToArray();

        Assert.Equal(4, failures.Length);
        Assert.Contains("TraceFilter:XRay:QueueCapacity 0 must be from 1 to 1000000", failures);
        Assert.Contains("TraceFilter:XRay:ShutdownDrainTimeout 00:00:00 must be greater than zero", failures);
        Assert.Contains("TraceFilter:XRay:TraceIdPolicy '7' is not Drop or Passthrough", failures);
        Assert.Contains("TraceFilter:XRay:MaxDatagramBytes 70000 must be from 256 to 65507", failures);
    }

    [Fact]
    public async Task Registration_binds_configuration_and_hosts_the_exporter()
    {
        using var provider = Build(new()
        {
            ["TraceFilter:XRay:DaemonAddress"] = "tcp:127.0.0.1:2000 udp:127.0.0.1:2001",
            ["TraceFilter:XRay:QueueCapacity"] = "16",
            ["TraceFilter:XRay:TraceIdPolicy"] = "Passthrough",
        });

        var exporter = provider.GetRequiredService<XRayExporter>();
        var options = provider.GetRequiredService<IOptions<XRayExporterOptions>>().Value;

        Assert.Same(exporter, Assert.Single(provider.GetServices<IHostedService>()));
        Assert.Equal(16, options.QueueCapacity);
        Assert.Equal(XRayTraceIdPolicy.Passthrough, options.TraceIdPolicy);
        await exporter.StartAsync(CancellationToken.None);
        await exporter.StopAsync(CancellationToken.None);
    }

    [Fact]
    public void Registration_with_a_bad_address_fails_on_resolve()
    {
        using var provider = Build(new() { ["TraceFilter:XRay:DaemonAddress"] = "foo" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<XRayExporter>());

        Assert.Contains("TraceFilter:XRay:DaemonAddress 'foo' is not host:port or 'tcp:host:port udp:host:port'",
            error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddXRayExporter(configuration);
        return services.BuildServiceProvider();
    }
}
