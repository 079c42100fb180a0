using System.Text;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Images;
using DotNet.Testcontainers.Networks;
using EnvoyTraceFilter.ScenarioApp;
using EnvoyTraceFilter.Scenarios;

namespace EnvoyTraceFilter.ContainerTests;

/// <summary>
/// What the scenarios share, started once: a network, Zipkin, the scenario app (echo + X-Ray socket) and the filter
/// image built from the repository's Dockerfile. Each scenario then starts its own filter (its configuration) and
/// its own Envoy (resolving the filter's name afresh) with <see cref="StartFilterAsync"/> and <see cref="StartEnvoyAsync"/>.
/// </summary>
public sealed class ContainerStack : IAsyncLifetime
{
    /// <summary>The newest 1.36 patch when this was written (envoy.yaml needs >= 1.30; the emulator plays 1.36).</summary>
    public const string EnvoyImage = "envoyproxy/envoy:v1.36.13";

    public const string ZipkinImage = "openzipkin/zipkin:3.5.1";

    private const int EnvoyPort = 10000;
    private const int FilterAdminPort = 9901;
    private const int ZipkinPort = 9411;
    private const int AppControlPort = ScenarioAppServer.ControlPort;

    private INetwork? _network;
    private IFutureDockerImage? _filterImage;
    private IFutureDockerImage? _appImage;
    private IContainer? _zipkin;
    private IContainer? _app;
    private byte[] _envoyYaml = [];

    public ZipkinApi Zipkin { get; private set; } = null!;

    public ScenarioAppClient App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (DockerEngine.SkipReason is not null)
        {
            return;
        }

        var root = ScenarioFiles.RepositoryRoot;
        var envoyYaml = await File.ReadAllTextAsync(Path.Combine(root, "envoy.yaml"));
        _envoyYaml = Encoding.UTF8.GetBytes(EnvoyYamlForContainers.Adapt(envoyYaml, EnvoyYamlForContainers.ContainerHosts));

        _network = new NetworkBuilder().Build();
        _filterImage = new ImageFromDockerfileBuilder().WithDockerfileDirectory(root).WithDockerfile("Dockerfile").Build();
        _appImage = new ImageFromDockerfileBuilder()
            .WithDockerfileDirectory(Path.Combine(root, "integration-tests", "EnvoyTraceFilter.ScenarioApp"))
            .WithDockerfile("Dockerfile")
            .Build();
        await Task.WhenAll(_network.CreateAsync(), _filterImage.CreateAsync(), _appImage.CreateAsync());

        _zipkin = new ContainerBuilder(ZipkinImage)
            .WithNetwork(_network)
            .WithNetworkAliases("zipkin")
            .WithPortBinding(ZipkinPort, true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(ZipkinPort).ForPath("/health")))
            .Build();
        _app = new ContainerBuilder(_appImage)
            .WithNetwork(_network)
            .WithNetworkAliases(EnvoyYamlForContainers.ContainerHosts["app"])
            .WithPortBinding(AppControlPort, true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(AppControlPort).ForPath("/requests")))
            .Build();
        await Task.WhenAll(_zipkin.StartAsync(), _app.StartAsync());
        Zipkin = new ZipkinApi(new UriBuilder("http", _zipkin.Hostname, _zipkin.GetMappedPublicPort(ZipkinPort)).Uri);
        App = new ScenarioAppClient(new UriBuilder("http", _app.Hostname, _app.GetMappedPublicPort(AppControlPort)).Uri);
    }

    /// <summary>The filter, configured by environment for one scenario, ready (/readyz answers 200).</summary>
    public async Task<IContainer> StartFilterAsync(IReadOnlyDictionary<string, string> configuration)
    {
        var filter = new ContainerBuilder(_filterImage!)
            .WithNetwork(_network!)
            .WithNetworkAliases(EnvoyYamlForContainers.ContainerHosts["trace_filter"])
            .WithEnvironment(FilterEnvironment.For(configuration, $"http://zipkin:{ZipkinPort}/api/v2/spans", $"app:{ScenarioAppServer.XRayPort}"))
            .WithPortBinding(FilterAdminPort, true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(FilterAdminPort).ForPath("/readyz")))
            .Build();
        await filter.StartAsync();
        return filter;
    }

    /// <summary>Envoy with the adapted envoy.yaml, once its workers run (its clusters resolved the names first).</summary>
    public async Task<IContainer> StartEnvoyAsync()
    {
        var envoy = new ContainerBuilder(EnvoyImage)
            .WithNetwork(_network!)
            .WithResourceMapping(_envoyYaml, "/etc/envoy/envoy.yaml")
            .WithPortBinding(EnvoyPort, true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilMessageIsLogged("starting workers"))
            .Build();
        await envoy.StartAsync();
        return envoy;
    }

    /// <summary>A client for Envoy's listener: no proxy from the environment, no redirects, nothing added.</summary>
    public static HttpClient ClientFor(IContainer envoy) =>
        new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = new UriBuilder("http", envoy.Hostname, envoy.GetMappedPublicPort(EnvoyPort)).Uri,
        };

    public async Task DisposeAsync()
    {
        Zipkin?.Dispose();
        App?.Dispose();
        foreach (var container in new[] { _app, _zipkin })
        {
            if (container is not null)
            {
                await container.DisposeAsync();
            }
        }

        if (_network is not null)
        {
            await _network.DisposeAsync();
        }

        foreach (var image in new[] { _filterImage, _appImage })
        {
            if (image is not null)
            {
                await image.DisposeAsync();
            }
        }
    }
}
