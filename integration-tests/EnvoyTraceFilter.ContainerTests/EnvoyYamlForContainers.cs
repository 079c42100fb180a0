using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EnvoyTraceFilter.ContainerTests;

/// <summary>
/// The repository's envoy.yaml adapted to a container network, and nothing else: the clusters that name
/// 127.0.0.1 (the filter and the app next to Envoy) get the other containers' network aliases instead. A name needs
/// DNS, so those clusters' <c>type</c> becomes STRICT_DNS (STATIC takes IP literals only). Ports stay.
/// </summary>
public static class EnvoyYamlForContainers
{
    /// <summary>Cluster name in envoy.yaml → host name on the container network.</summary>
    public static readonly IReadOnlyDictionary<string, string> ContainerHosts = new Dictionary<string, string>
    {
        ["trace_filter"] = "filter",
        ["app"] = "app",
    };

    /// <summary>
    /// Rewrites the named clusters' endpoint addresses and type. Fails if the result differs from the original in
    /// anything else (the YAML round trip included), so what Envoy runs is the repository's file.
    /// </summary>
    public static string Adapt(string yaml, IReadOnlyDictionary<string, string> clusterHosts)
    {
        var document = Load(yaml);
        var clusters = (YamlSequenceNode)Child(Child(document, "static_resources", ""), "clusters", "static_resources");
        var changed = new List<string>();
        foreach (var (name, host) in clusterHosts)
        {
            var index = clusters.Children.ToList().FindIndex(c => c is YamlMappingNode m && Scalar(m, "name") == name);
            if (index < 0)
            {
                throw new InvalidDataException($"envoy.yaml: static_resources.clusters has no cluster named {name}");
            }

            var path = $"static_resources.clusters[{index}]";
            var cluster = (YamlMappingNode)clusters[index];
            var type = (YamlScalarNode)Child(cluster, "type", path);
            if (type.Value != "STATIC")
            {
                throw new InvalidDataException($"envoy.yaml: {path}.type is {type.Value}, expected STATIC (an IP address next to Envoy)");
            }

            type.Value = "STRICT_DNS";
            changed.Add($"{path}.type");
            var endpoints = (YamlSequenceNode)Child(Child(cluster, "load_assignment", path), "endpoints", $"{path}.load_assignment");
            for (var e = 0; e < endpoints.Children.Count; e++)
            {
                var endpointsPath = $"{path}.load_assignment.endpoints[{e}]";
                var lbEndpoints = (YamlSequenceNode)Child(endpoints[e], "lb_endpoints", endpointsPath);
                for (var l = 0; l < lbEndpoints.Children.Count; l++)
                {
                    var lbPath = $"{endpointsPath}.lb_endpoints[{l}]";
                    var address = Child(Child(lbEndpoints[l], "endpoint", lbPath), "address", $"{lbPath}.endpoint");
                    var socketPath = $"{lbPath}.endpoint.address.socket_address";
                    var socket = Child(address, "socket_address", $"{lbPath}.endpoint.address");
                    ((YamlScalarNode)Child(socket, "address", socketPath)).Value = host;
                    changed.Add($"{socketPath}.address");
                }
            }
        }

        var writer = new StringWriter();
        new YamlStream(new YamlDocument(document)).Save(writer, assignAnchors: false);
        var adapted = writer.ToString();
        var differences = Differences(yaml, adapted);
        if (!differences.Order(StringComparer.Ordinal).SequenceEqual(changed.Order(StringComparer.Ordinal)))
        {
            throw new InvalidOperationException(
                $"envoy.yaml adapted for containers differs in [{string.Join(", ", differences)}], expected only [{string.Join(", ", changed)}]");
        }

        return adapted;
    }

    /// <summary>
    /// The paths where two YAML documents differ: a scalar's value, or its plainness (a quoted "true" is a string,
    /// a plain one a boolean), a mapping's keys, a sequence's length or a node's kind. Comments and layout do not count.
    /// </summary>
    public static IReadOnlyList<string> Differences(string original, string adapted)
    {
        var differences = new List<string>();
        Compare(Load(original), Load(adapted), "", differences);
        return differences;
    }

    private static void Compare(YamlNode a, YamlNode b, string path, List<string> differences)
    {
        switch (a, b)
        {
            case (YamlScalarNode x, YamlScalarNode y):
                if (x.Value != y.Value || (x.Style == ScalarStyle.Plain) != (y.Style == ScalarStyle.Plain))
                {
                    differences.Add(path);
                }

                break;
            case (YamlMappingNode x, YamlMappingNode y):
                var keys = x.Children.Keys.Select(k => ((YamlScalarNode)k).Value).ToList();
                if (!keys.SequenceEqual(y.Children.Keys.Select(k => ((YamlScalarNode)k).Value)))
                {
                    differences.Add($"{path} (keys)");
                    break;
                }

                foreach (var key in keys)
                {
                    Compare(x[key!], y[key!], path.Length == 0 ? key! : $"{path}.{key}", differences);
                }

                break;
            case (YamlSequenceNode x, YamlSequenceNode y):
                if (x.Children.Count != y.Children.Count)
                {
                    differences.Add($"{path} (length)");
                    break;
                }

                for (var i = 0; i < x.Children.Count; i++)
                {
                    Compare(x[i], y[i], $"{path}[{i}]", differences);
                }

                break;
            default:
                differences.Add($"{path} (kind)");
                break;
        }
    }

    private static YamlNode Load(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Single().RootNode;
    }

    private static YamlNode Child(YamlNode node, string key, string path) =>
        node is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode(key), out var child)
            ? child
            : throw new InvalidDataException($"envoy.yaml: {(path.Length == 0 ? key : $"{path}.{key}")} is missing");

    private static string? Scalar(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;
}
