using EnvoyTraceFilter.ScenarioApp;
using EnvoyTraceFilter.Scenarios;
using YamlDotNet.RepresentationModel;

namespace EnvoyTraceFilter.ContainerTests;

/// <summary>The envoy.yaml the container tests give Envoy is the repository's, with only the cluster addresses moved.</summary>
public sealed class EnvoyYamlForContainersTests
{
    private static readonly string Original = File.ReadAllText(Path.Combine(ScenarioFiles.RepositoryRoot, "envoy.yaml"));

    [Fact]
    public void RepositoryEnvoyYaml_DiffersOnlyInTheTwoClustersAddressesAndType()
    {
        var adapted = EnvoyYamlForContainers.Adapt(Original, EnvoyYamlForContainers.ContainerHosts);

        Assert.Equal(
        [
            "static_resources.clusters[0].type",
            "static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address",
            "static_resources.clusters[1].type",
            "static_resources.clusters[1].load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address.address",
        ], EnvoyYamlForContainers.Differences(Original, adapted));
        var clusters = (YamlSequenceNode)Root(adapted)["static_resources"]["clusters"];
        Assert.Equal(("trace_filter", "STRICT_DNS", "filter", "50051"), Summary(clusters[0]));
        Assert.Equal(("app", "STRICT_DNS", "app", $"{ScenarioAppServer.AppPort}"), Summary(clusters[1]));
    }

    [Fact]
    public void Differences_IgnoresCommentsAndLayout()
    {
        Assert.Empty(EnvoyYamlForContainers.Differences("a: {b: 1, c: [x, y]}\n", "# comment\na:\n  b: 1   # why\n  c:\n  - x\n  - y\n"));
    }

    [Theory]
    [InlineData("a: {b: 1}", "a: {b: 2}", "a.b")]
    [InlineData("a: true", "a: \"true\"", "a")] // a string now, not a boolean
    [InlineData("a: {b: 1}", "a: {b: 1, c: 2}", "a (keys)")]
    [InlineData("a: [1, 2]", "a: [1]", "a (length)")]
    [InlineData("a: [1]", "a: {b: 1}", "a (kind)")]
    public void Differences_NamesThePath(string original, string changed, string path)
    {
        Assert.Equal([path], EnvoyYamlForContainers.Differences(original, changed));
    }

    [Fact]
    public void Adapt_MissingCluster_FailsNamingIt()
    {
        var error = Assert.Throws<InvalidDataException>(() => EnvoyYamlForContainers.Adapt(Original, new Dictionary<string, string> { ["zipkin"] = "zipkin" }));

        Assert.Equal("envoy.yaml: static_resources.clusters has no cluster named zipkin", error.Message);
    }

    [Fact]
    public void Adapt_ClusterNotStatic_FailsNamingTheType()
    {
        var yaml = Original.Replace("type: STATIC", "type: LOGICAL_DNS", StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => EnvoyYamlForContainers.Adapt(yaml, EnvoyYamlForContainers.ContainerHosts));

        Assert.Equal("envoy.yaml: static_resources.clusters[0].type is LOGICAL_DNS, expected STATIC (an IP address next to Envoy)", error.Message);
    }

    private static YamlMappingNode Root(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static (string?, string?, string?, string?) Summary(YamlNode cluster)
    {
        var socket = cluster["load_assignment"]["endpoints"][0]["lb_endpoints"][0]["endpoint"]["address"]["socket_address"];
        return (Value(cluster["name"]), Value(cluster["type"]), Value(socket["address"]), Value(socket["port_value"]));
    }

    private static string? Value(YamlNode node) => ((YamlScalarNode)node).Value;
}
