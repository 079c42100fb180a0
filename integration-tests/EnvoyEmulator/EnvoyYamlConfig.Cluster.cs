namespace EnvoyEmulator;

/// <summary>The cluster the ext_proc filter calls.</summary>
public static partial class EnvoyYamlConfig
{
    /// <summary>The cluster ext_proc calls must exist and speak HTTP/2; its address is the emulator's channel.</summary>
    private static void ReadCluster(YamlFields extProc, IReadOnlyList<YamlFields> clusters, string name)
    {
        var cluster = clusters.FirstOrDefault(c => c.Has("name") && c.String("name") == name)
            ?? throw extProc.Fail($"grpc_service.envoy_grpc.cluster_name '{name}' is not a static cluster");
        cluster.Ignore("type", "connect_timeout", "load_assignment", "lb_policy", "dns_lookup_family");
        cluster.Reject("circuit_breakers", "the circuit breaker is not modelled yet");
        var http2 = false;
        if (cluster.Mapping("http2_protocol_options") is { } legacy)
        {
            legacy.Finish(); // only the empty (default) options are modelled
            http2 = true;
        }

        if (cluster.Mapping("typed_extension_protocol_options") is { } typed)
        {
            var protocol = typed.RequiredMapping(ProtocolOptionsKey);
            protocol.Ignore("@type");
            var explicitConfig = protocol.RequiredMapping("explicit_http_config");
            if (explicitConfig.Mapping("http2_protocol_options") is { } options)
            {
                options.Finish(); // only the empty (default) options are modelled
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

        cluster.Finish();
    }
}
