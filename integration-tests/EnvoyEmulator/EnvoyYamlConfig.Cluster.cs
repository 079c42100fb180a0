namespace EnvoyEmulator;

/// <summary>The cluster the ext_proc filter calls: HTTP/2, its streams per connection and its circuit breaker.</summary>
public static partial class EnvoyYamlConfig
{
    /// <summary>Envoy's Http2ProtocolOptions.max_concurrent_streams bounds (PGV: 1..2^31-1).</summary>
    private const int MaxStreamsLimit = int.MaxValue;

    /// <summary>
    /// The cluster ext_proc calls must exist and speak HTTP/2; its address is the emulator's channel. Reads the
    /// HTTP/2 max_concurrent_streams and the default-priority circuit breaker's max_requests.
    /// </summary>
    private static EmulatorOptions ReadCluster(
        YamlFields extProc, IReadOnlyList<YamlFields> clusters, EmulatorOptions options)
    {
        var name = options.ClusterName;
        var cluster = FindCluster(clusters, name)
            ?? throw extProc.Fail($"grpc_service.envoy_grpc.cluster_name '{name}' is not a static cluster");
        cluster.Ignore("name", "type", "connect_timeout", "load_assignment", "lb_policy", "dns_lookup_family");
        int? maxStreams = null;
        var http2 = false;
        var legacy = cluster.Mapping("http2_protocol_options");
        var typed = cluster.Mapping("typed_extension_protocol_options");
        if (legacy is not null && typed is not null)
        {
            throw cluster.FailAt("http2_protocol_options", BothProtocolOptions);
        }

        if (legacy is not null)
        {
            maxStreams = ReadHttp2Options(legacy);
            http2 = true;
        }

        if (typed is not null)
        {
            var protocol = typed.RequiredMapping(ProtocolOptionsKey);
            protocol.Ignore("@type");
            var explicitConfig = protocol.RequiredMapping("explicit_http_config");
            if (explicitConfig.Mapping("http2_protocol_options") is { } http2Options)
            {
                maxStreams = ReadHttp2Options(http2Options);
                http2 = true;
            }

            explicitConfig.Finish();
            protocol.Finish();
            typed.Finish();
        }

        if (!http2)
        {
            throw cluster.Fail("the ext_proc cluster must use HTTP/2 (gRPC)");
        }

        var maxRequests = ReadCircuitBreakers(cluster.Mapping("circuit_breakers"));
        cluster.Finish();
        return options with
        {
            // Envoy's default: 1024 from 1.36 (runtime guard safe_http2_options), 2^31-1 before.
            MaxConcurrentStreamsPerConnection = maxStreams ?? (options.EnvoyVersion.AtLeast(36) ? 1024 : MaxStreamsLimit),
            ClusterMaxRequests = maxRequests ?? 1024,
        };
    }

    private const string BothProtocolOptions =
        "set protocol options either in typed_extension_protocol_options or in the deprecated cluster fields, not both";

    private static YamlFields? FindCluster(IReadOnlyList<YamlFields> clusters, string name) =>
        clusters.FirstOrDefault(c => c.Has("name") && c.String("name") == name);

    /// <summary>Only max_concurrent_streams is modelled; any other HTTP/2 option fails.</summary>
    private static int? ReadHttp2Options(YamlFields options)
    {
        var maxStreams = options.Int("max_concurrent_streams", 1, MaxStreamsLimit);
        options.Finish();
        return maxStreams;
    }

    /// <summary>
    /// The DEFAULT-priority threshold's max_requests (Envoy's default 1024 when absent): ext_proc's gRPC streams
    /// use the default priority, so HIGH thresholds are read for their shape only. Limits the emulator does not
    /// enforce fail rather than being dropped.
    /// </summary>
    private static int? ReadCircuitBreakers(YamlFields? breakers)
    {
        if (breakers is null)
        {
            return null;
        }

        breakers.Reject("per_host_thresholds", "per-host circuit breakers are not modelled");
        int? result = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var threshold in breakers.Mappings("thresholds"))
        {
            var priority = threshold.String("priority") ?? "DEFAULT";
            if (priority is not ("DEFAULT" or "HIGH"))
            {
                throw threshold.FailAt("priority", $"'{priority}' is not a RoutingPriority (DEFAULT or HIGH)");
            }

            if (!seen.Add(priority))
            {
                throw threshold.Fail($"a second threshold for priority {priority}");
            }

            // No effect on ext_proc streams: they are never retried, and track_remaining only adds gauges.
            threshold.Ignore("max_retries", "retry_budget", "track_remaining");
            threshold.Reject("max_connections", "max_connections is not modelled (connections follow max_concurrent_streams)");
            threshold.Reject("max_pending_requests", "max_pending_requests is not modelled");
            threshold.Reject("max_connection_pools", "max_connection_pools is not modelled");
            var maxRequests = threshold.Int("max_requests", 0, int.MaxValue);
            threshold.Finish();
            if (priority == "DEFAULT")
            {
                result = maxRequests;
            }
        }

        breakers.Finish();
        return result;
    }
}
