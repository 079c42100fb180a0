namespace EnvoyEmulator;

/// <summary>
/// The application cluster the routes send requests to: its upstream codec's header limits (max_headers_count,
/// max_response_headers_kb) are carried by the response header map, and so bound response-header mutations.
/// </summary>
public static partial class EnvoyYamlConfig
{
    // Envoy's defaults when unset (DEFAULT_MAX_HEADERS_COUNT, and 60 KiB as for requests).
    private const int DefaultMaxHeadersCount = 100;
    private const int DefaultMaxHeadersKb = 60;

    /// <summary>HttpProtocolOptions.max_response_headers_kb: PGV gt 0, lte 8192.</summary>
    private const int MaxHeadersKbLimit = 8192;

    /// <summary>
    /// Every cluster a route of the connection manager names must be a static cluster; they must agree on the
    /// response limits because the emulator has one upstream. No routed cluster leaves Envoy's defaults.
    /// </summary>
    private static EmulatorOptions ReadUpstream(YamlFields hcm, IReadOnlyList<YamlFields> clusters, EmulatorOptions options)
    {
        (int Count, int Kb, string Cluster)? found = null;
        foreach (var (name, where) in RouteClusters(hcm))
        {
            var cluster = FindCluster(clusters, name) ?? throw where.Fail($"route cluster '{name}' is not a static cluster");
            var (count, kb) = ReadResponseLimits(cluster);
            if (found is { } first && (first.Count, first.Kb) != (count, kb))
            {
                throw cluster.Fail($"response header limits differ from cluster '{first.Cluster}'s; the emulator models one upstream");
            }

            found = (count, kb, name);
        }

        return found is { } limits
            ? options with { MaxResponseHeadersCount = limits.Count, MaxResponseHeadersKb = limits.Kb }
            : options with { MaxResponseHeadersCount = DefaultMaxHeadersCount, MaxResponseHeadersKb = DefaultMaxHeadersKb };
    }

    /// <summary>
    /// Cluster names of route_config's routes (route.cluster, weighted_clusters). The rest of route_config is not
    /// modelled and stays unchecked; a cluster chosen at request time (cluster_header, plugins) fails.
    /// </summary>
    private static List<(string Name, YamlFields Where)> RouteClusters(YamlFields hcm)
    {
        var result = new List<(string, YamlFields)>();
        var routeConfig = hcm.Mapping("route_config");
        if (routeConfig is null)
        {
            return result;
        }

        foreach (var host in routeConfig.Mappings("virtual_hosts"))
        {
            foreach (var route in host.Mappings("routes"))
            {
                if (route.Mapping("route") is not { } action)
                {
                    continue; // redirect or direct_response: no upstream
                }

                if (action.String("cluster") is { } cluster)
                {
                    result.Add((cluster, action));
                }
                else if (action.Mapping("weighted_clusters") is { } weighted)
                {
                    result.AddRange(weighted.Mappings("clusters").Select(c =>
                        (c.String("name") ?? throw c.Fail("'name' is required"), c)));
                }
                else
                {
                    throw action.Fail("only route.cluster and weighted_clusters are modelled (the upstream's response limits must be known)");
                }
            }
        }

        return result;
    }

    /// <summary>
    /// common_http_protocol_options' max_headers_count and max_response_headers_kb (1.32+), from the
    /// HttpProtocolOptions extension or the deprecated cluster field; absent fields take Envoy's defaults.
    /// </summary>
    private static (int Count, int Kb) ReadResponseLimits(YamlFields cluster)
    {
        var legacy = cluster.Mapping("common_http_protocol_options");
        YamlFields? common = legacy;
        if (cluster.Mapping("typed_extension_protocol_options") is { } typed)
        {
            if (legacy is not null)
            {
                throw cluster.FailAt("common_http_protocol_options", BothProtocolOptions);
            }

            var protocol = typed.RequiredMapping(ProtocolOptionsKey);
            // The upstream protocol choice does not change the limits: both codecs take them from here.
            protocol.Ignore("@type", "explicit_http_config", "auto_config", "use_downstream_protocol_config",
                "upstream_http_protocol_options");
            common = protocol.Mapping("common_http_protocol_options");
            protocol.Finish();
            typed.Finish();
        }

        if (common is null)
        {
            return (DefaultMaxHeadersCount, DefaultMaxHeadersKb);
        }

        common.Ignore("idle_timeout", "max_connection_duration", "max_stream_duration", "max_requests_per_connection");
        if (common.String("headers_with_underscores_action") is { } action && action != "ALLOW")
        {
            throw common.FailAt("headers_with_underscores_action", "only ALLOW is modelled");
        }

        var result = (
            common.Int("max_headers_count", 1, int.MaxValue) ?? DefaultMaxHeadersCount,
            common.Int("max_response_headers_kb", 1, MaxHeadersKbLimit) ?? DefaultMaxHeadersKb);
        common.Finish();
        return result;
    }
}
