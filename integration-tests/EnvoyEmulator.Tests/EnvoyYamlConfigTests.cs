using Envoy.Extensions.Filters.Http.ExtProc.V3;
using EnvoyEmulator.Tests.Infrastructure;
using HeaderSendMode = Envoy.Extensions.Filters.Http.ExtProc.V3.ProcessingMode.Types.HeaderSendMode;

namespace EnvoyEmulator.Tests;

/// <summary>The emulator configured from an Envoy bootstrap, strictly.</summary>
public sealed class EnvoyYamlConfigTests
{
    private static string Yaml(string hcmExtra = "", string extProcExtra = "", string clusterExtra = "", string appExtra = "") => $$"""
        static_resources:
          listeners:
          - name: ingress
            address: { socket_address: { address: 0.0.0.0, port_value: 10000 } }
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: ingress_http
                  route_config: { name: r, virtual_hosts: [ { name: app, domains: ["*"], routes: [ { match: { prefix: "/" }, route: { cluster: app } } ] } ] }
        {{Indent(hcmExtra, 10)}}
                  http_filters:
                  - name: envoy.filters.http.ext_proc
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor
                      grpc_service: { envoy_grpc: { cluster_name: trace_filter } }
        {{Indent(extProcExtra, 14)}}
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
          clusters:
          - name: trace_filter
            type: STATIC
            http2_protocol_options: {}
        {{Indent(clusterExtra, 4)}}
          - name: app
            type: STATIC
        {{Indent(appExtra, 4)}}
        """;

    [Fact]
    public void Repository_envoy_yaml_gives_the_deployed_settings()
    {
        var path = EnvoyYamlConfig.FindRepositoryFile(AppContext.BaseDirectory);
        var options = EnvoyYamlConfig.Load(path, TestOptions.Default());

        Assert.Equal(TimeSpan.FromMilliseconds(100), options.MessageTimeout);
        Assert.True(options.FailureModeAllow);
        Assert.True(options.UseRemoteAddress);
        Assert.Equal(0, options.XffNumTrustedHops);
        Assert.Equal(["source.address", "request.time", "size(request.headers)", "request.total_size"], options.RequestAttributes);
        Assert.Equal(["size(response.headers)", "response.total_size"], options.ResponseAttributes);
        Assert.Equal("trace_filter", options.ClusterName);
        Assert.Equal(EmulatorOptions.DefaultProcessingMode(), options.ProcessingMode);
        Assert.Equal((100, 60), (options.MaxRequestHeadersCount, options.MaxRequestHeadersKb));
        Assert.Equal((100, 60), (options.MaxResponseHeadersCount, options.MaxResponseHeadersKb));
        Assert.Equal((1024, 1024), (options.MaxConcurrentStreamsPerConnection, options.ClusterMaxRequests));
        Assert.Empty(options.ForwardRules.DisallowedHeaders);
        Assert.Contains(StringMatch.Prefix("x-b3-"), options.ForwardRules.AllowedHeaders);
        Assert.True(options.ForwardRules.Forwards(":status"));
        Assert.False(options.ForwardRules.Forwards("cookie"));
        // What the YAML cannot say comes from the base options.
        Assert.Equal(TestOptions.Time, options.Clock());
    }

    [Fact]
    public void Absent_fields_take_envoys_defaults_not_the_base_options()
    {
        var options = EnvoyYamlConfig.Parse(Yaml(), TestOptions.Default() with { FailureModeAllow = true, UseRemoteAddress = true });

        Assert.Equal(TimeSpan.FromMilliseconds(200), options.MessageTimeout);
        Assert.False(options.FailureModeAllow);
        Assert.False(options.UseRemoteAddress);
        Assert.Empty(options.RequestAttributes);
        Assert.Same(ForwardRules.All, options.ForwardRules);
        Assert.Equal(new ProcessingMode(), options.ProcessingMode);
    }

    [Fact]
    public void Every_modelled_field_is_read_in_snake_or_camel_case()
    {
        var options = EnvoyYamlConfig.Parse(Yaml(
            hcmExtra: """
                useRemoteAddress: true
                xff_num_trusted_hops: 2
                max_request_headers_kb: 96
                common_http_protocol_options: { max_headers_count: 50 }
                """,
            extProcExtra: """
                failure_mode_allow: true
                messageTimeout: 0.25s
                max_message_timeout: 1.5s
                allow_mode_override: true
                processing_mode: { request_header_mode: SEND, responseHeaderMode: SKIP }
                request_attributes: [source.address]
                response_attributes: [response.code]
                mutation_rules: { allow_envoy: true, disallow_is_error: true }
                forward_rules:
                  allowed_headers:
                    patterns:
                    - { prefix: "X-B3-", ignore_case: true }
                    - safe_regex: { google_re2: {}, regex: "trace(parent|state)" }
                  disallowed_headers:
                    patterns: [ { suffix: "-flags" }, { contains: secret } ]
                """));

        Assert.True(options.UseRemoteAddress);
        Assert.Equal((2, 96, 50), (options.XffNumTrustedHops, options.MaxRequestHeadersKb, options.MaxRequestHeadersCount));
        Assert.True(options.FailureModeAllow);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.MessageTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.MaxMessageTimeout);
        Assert.True(options.AllowModeOverride);
        Assert.Equal((HeaderSendMode.Send, HeaderSendMode.Skip), (options.ProcessingMode.RequestHeaderMode, options.ProcessingMode.ResponseHeaderMode));
        Assert.Equal(["source.address"], options.RequestAttributes);
        Assert.Equal(["response.code"], options.ResponseAttributes);
        Assert.Equal(new HeaderMutationRules { AllowEnvoy = true, DisallowIsError = true }, options.MutationRules);
        Assert.True(options.ForwardRules.Forwards("x-b3-traceid"));
        Assert.True(options.ForwardRules.Forwards("tracestate"));
        Assert.False(options.ForwardRules.Forwards("x-b3-flags")); // disallowed wins
        Assert.False(options.ForwardRules.Forwards("tracestate-secret"));
        Assert.False(options.ForwardRules.Forwards("b3"));
    }

    [Theory]
    [InlineData("failure_mode_alow: true", "", "",
        "static_resources.listeners[0].filter_chains[0].filters[0].typed_config.http_filters[0].typed_config.failure_mode_alow (line 18): unknown field")]
    [InlineData("observability_mode: true", "", "", "typed_config.observability_mode (line 18): unknown field, or one the emulator does not model")]
    [InlineData("message_timeout: 100ms", "", "", "typed_config.message_timeout (line 18): '100ms' is not a duration")]
    [InlineData("failure_mode_allow: yes", "", "", "typed_config.failure_mode_allow (line 18): 'yes' is not a boolean")]
    [InlineData("forward_rules: { allowed_headers: { patterns: [ { safe_regex: { regex: 'x-.*' }, ignore_case: true } ] } }", "", "",
        "typed_config.forward_rules.allowed_headers.patterns[0] (line 18): ignore_case has no effect for safe_regex")]
    [InlineData("forward_rules: { allowed_headers: { patterns: [ { prefix: x-, exact: b3 } ] } }", "", "",
        "patterns[0] (line 18): a string matcher needs exactly one of exact, prefix, suffix, contains, safe_regex")]
    [InlineData("forward_rules: { allowed_headers: { patterns: [] } }", "", "", "allowed_headers (line 18): 'patterns' needs at least one matcher")]
    [InlineData("processing_mode: { request_header_mode: SENDD }", "", "", "typed_config.processing_mode (line 18): ")]
    [InlineData("processing_mode: { request_body_mode: BUFFERED }", "", "", "typed_config.processing_mode (line 18): only body mode NONE is modelled")]
    [InlineData("", "tracing: {}", "", "typed_config.tracing (line 12): Envoy's tracer rewrites x-b3-* after ext_proc; not modelled")]
    [InlineData("", "skip_xff_append: true", "", "typed_config.skip_xff_append (line 12): unknown field, or one the emulator does not model")]
    [InlineData("", "common_http_protocol_options: { max_response_headers_kb: 60 }", "",
        "typed_config.common_http_protocol_options.max_response_headers_kb (line 12): max_response_headers_kb cannot be set on http_connection_manager")]
    [InlineData("", "max_request_headers_kb: 8193", "", "typed_config.max_request_headers_kb (line 12): 8193 is outside Envoy's range 1..8192")]
    [InlineData("", "", "circuit_breakers: { thresholds: [ { max_requests: many } ] }",
        "static_resources.clusters[0].circuit_breakers.thresholds[0].max_requests (line 26): 'many' is not an unsigned 32-bit number")]
    [InlineData("", "", "circuit_breakers: { thresholds: [ { max_requests: 10, max_pending_requests: 10 } ] }",
        "static_resources.clusters[0].circuit_breakers.thresholds[0].max_pending_requests (line 26): max_pending_requests is not modelled")]
    [InlineData("", "", "circuit_breakers: { thresholds: [ { priority: LOW, max_requests: 10 } ] }",
        "static_resources.clusters[0].circuit_breakers.thresholds[0].priority (line 26): 'LOW' is not a RoutingPriority (DEFAULT or HIGH)")]
    [InlineData("", "", "circuit_breakers: { thresholds: [ { max_requests: 1 }, { priority: DEFAULT, max_requests: 2 } ] }",
        "static_resources.clusters[0].circuit_breakers.thresholds[1] (line 26): a second threshold for priority DEFAULT")]
    [InlineData("", "", "circuit_breakers: { per_host_thresholds: [ { max_connections: 1 } ] }",
        "static_resources.clusters[0].circuit_breakers.per_host_thresholds (line 26): per-host circuit breakers are not modelled")]
    public void Unmodelled_or_wrong_fields_fail_with_their_yaml_path(string extProc, string hcm, string cluster, string expected)
    {
        var e = Assert.Throws<EnvoyYamlException>(() => EnvoyYamlConfig.Parse(Yaml(hcm, extProc, cluster)));
        Assert.StartsWith("envoy.yaml: ", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), e.Message);
    }

    [Fact]
    public void The_ext_proc_clusters_streams_per_connection_and_circuit_breaker_are_read()
    {
        var legacy = EnvoyYamlConfig.Parse(Yaml(clusterExtra: """
                circuit_breakers:
                  thresholds:
                  - { priority: HIGH, max_requests: 5 }
                  - { max_requests: 300, max_retries: 3, track_remaining: true }
                """).Replace("http2_protocol_options: {}", "http2_protocol_options: { max_concurrent_streams: 128 }", StringComparison.Ordinal));
        Assert.Equal((128, 300), (legacy.MaxConcurrentStreamsPerConnection, legacy.ClusterMaxRequests));

        var typed = EnvoyYamlConfig.Parse(Yaml(clusterExtra: """
                typed_extension_protocol_options:
                  envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                    "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                    explicit_http_config: { http2_protocol_options: { maxConcurrentStreams: 64 } }
                circuitBreakers: { thresholds: [ { priority: DEFAULT, maxRequests: 2000 } ] }
                """).Replace("    http2_protocol_options: {}\n", "", StringComparison.Ordinal));
        Assert.Equal((64, 2000), (typed.MaxConcurrentStreamsPerConnection, typed.ClusterMaxRequests));

        // Absent: Envoy 1.36's defaults, whatever the base options say.
        var absent = EnvoyYamlConfig.Parse(Yaml(clusterExtra: "circuit_breakers: { thresholds: [ { priority: HIGH, max_requests: 5 } ] }"),
            TestOptions.Default() with { MaxConcurrentStreamsPerConnection = 3, ClusterMaxRequests = 3 });
        Assert.Equal((1024, 1024), (absent.MaxConcurrentStreamsPerConnection, absent.ClusterMaxRequests));
        var before136 = EnvoyYamlConfig.Parse(Yaml(), TestOptions.Default() with { EnvoyVersion = EnvoyVersion.Parse("1.35") });
        Assert.Equal((int.MaxValue, 1024), (before136.MaxConcurrentStreamsPerConnection, before136.ClusterMaxRequests));
    }

    [Theory]
    [InlineData("http2_protocol_options: { max_concurrent_streams: 0 }",
        "static_resources.clusters[0].http2_protocol_options.max_concurrent_streams (line 25): 0 is outside Envoy's range 1..2147483647")]
    [InlineData("http2_protocol_options: { max_concurrent_streams: '100k' }",
        "static_resources.clusters[0].http2_protocol_options.max_concurrent_streams (line 25): '100k' is not an unsigned 32-bit number")]
    [InlineData("http2_protocol_options: { initial_stream_window_size: 65536 }",
        "static_resources.clusters[0].http2_protocol_options.initial_stream_window_size (line 25): unknown field")]
    [InlineData("""
        http2_protocol_options: {}
            typed_extension_protocol_options:
              envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                explicit_http_config: { http2_protocol_options: { max_concurrent_streams: [1] } }
        """,
        "static_resources.clusters[0].http2_protocol_options (line 25): set protocol options either in typed_extension_protocol_options or in the deprecated cluster fields, not both")]
    public void Ext_proc_cluster_http2_options_of_the_wrong_type_fail_with_their_yaml_path(string http2, string expected)
    {
        var yaml = Yaml().Replace("http2_protocol_options: {}", http2, StringComparison.Ordinal);
        var e = Assert.Throws<EnvoyYamlException>(() => EnvoyYamlConfig.Parse(yaml));
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), e.Message);
    }

    [Fact]
    public void The_app_clusters_response_header_limits_are_read()
    {
        var typed = EnvoyYamlConfig.Parse(Yaml(appExtra: """
                typed_extension_protocol_options:
                  envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                    "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                    common_http_protocol_options: { max_headers_count: 150, maxResponseHeadersKb: 96, idle_timeout: 60s }
                    explicit_http_config: { http_protocol_options: {} }
                """));
        Assert.Equal((150, 96), (typed.MaxResponseHeadersCount, typed.MaxResponseHeadersKb));
        Assert.Equal((100, 60), (typed.MaxRequestHeadersCount, typed.MaxRequestHeadersKb)); // the HCM's, not the cluster's

        var legacy = EnvoyYamlConfig.Parse(Yaml(appExtra: "common_http_protocol_options: { max_headers_count: 80 }"));
        Assert.Equal((80, 60), (legacy.MaxResponseHeadersCount, legacy.MaxResponseHeadersKb));

        var absent = EnvoyYamlConfig.Parse(Yaml(), TestOptions.Default() with { MaxResponseHeadersCount = 7, MaxResponseHeadersKb = 7 });
        Assert.Equal((100, 60), (absent.MaxResponseHeadersCount, absent.MaxResponseHeadersKb));

        // Weighted clusters that agree are one upstream as far as the limits go.
        var weighted = EnvoyYamlConfig.Parse(Yaml(appExtra: "common_http_protocol_options: { max_response_headers_kb: 30 }")
            .Replace("route: { cluster: app }", "route: { weighted_clusters: { clusters: [ { name: app, weight: 1 } ] } }", StringComparison.Ordinal));
        Assert.Equal((100, 30), (weighted.MaxResponseHeadersCount, weighted.MaxResponseHeadersKb));
    }

    [Theory]
    [InlineData("common_http_protocol_options: { max_headers_count: -1 }",
        "static_resources.clusters[1].common_http_protocol_options.max_headers_count (line 29): '-1' is not an unsigned 32-bit number")]
    [InlineData("common_http_protocol_options: { max_response_headers_kb: 9000 }",
        "static_resources.clusters[1].common_http_protocol_options.max_response_headers_kb (line 29): 9000 is outside Envoy's range 1..8192")]
    [InlineData("common_http_protocol_options: { max_response_headers_kb: [60] }",
        "static_resources.clusters[1].common_http_protocol_options.max_response_headers_kb (line 29): expected a single value")]
    [InlineData("common_http_protocol_options: { max_header_count: 200 }",
        "static_resources.clusters[1].common_http_protocol_options.max_header_count (line 29): unknown field")]
    [InlineData("common_http_protocol_options: { headers_with_underscores_action: DROP_HEADER }",
        "static_resources.clusters[1].common_http_protocol_options.headers_with_underscores_action (line 29): only ALLOW is modelled")]
    [InlineData("""
        typed_extension_protocol_options:
          envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
            common_http_protocol_options: { max_headers_count: lots }
        """,
        "static_resources.clusters[1].typed_extension_protocol_options.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.common_http_protocol_options.max_headers_count (line 31): 'lots' is not an unsigned 32-bit number")]
    [InlineData("""
        typed_extension_protocol_options:
          envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
            http_filters: []
        """,
        "HttpProtocolOptions.http_filters (line 31): unknown field")]
    [InlineData("""
        common_http_protocol_options: {}
        typed_extension_protocol_options:
          envoy.extensions.upstreams.http.v3.HttpProtocolOptions: {}
        """,
        "static_resources.clusters[1].common_http_protocol_options (line 29): set protocol options either in typed_extension_protocol_options or in the deprecated cluster fields, not both")]
    public void App_cluster_limits_of_the_wrong_type_fail_with_their_yaml_path(string app, string expected)
    {
        var e = Assert.Throws<EnvoyYamlException>(() => EnvoyYamlConfig.Parse(Yaml(appExtra: app)));
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), e.Message);
    }

    [Fact]
    public void Routes_must_lead_to_static_clusters_with_one_set_of_response_limits()
    {
        var missing = Yaml().Replace("route: { cluster: app }", "route: { cluster: gone }", StringComparison.Ordinal);
        AssertFails(missing, "route_config.virtual_hosts[0].routes[0].route (line 11): route cluster 'gone' is not a static cluster");

        var byHeader = Yaml().Replace("route: { cluster: app }", "route: { cluster_header: x-cluster }", StringComparison.Ordinal);
        AssertFails(byHeader, "routes[0].route (line 11): only route.cluster and weighted_clusters are modelled");

        var split = Yaml(appExtra: "common_http_protocol_options: { max_headers_count: 80 }")
            .Replace("route: { cluster: app }", "route: { weighted_clusters: { clusters: [ { name: app }, { name: trace_filter } ] } }", StringComparison.Ordinal);
        AssertFails(split, "static_resources.clusters[0] (line 23): response header limits differ from cluster 'app's; the emulator models one upstream");
    }

    [Fact]
    public void The_ext_proc_cluster_must_exist_and_speak_http2()
    {
        var missing = Yaml().Replace("cluster_name: trace_filter", "cluster_name: other", StringComparison.Ordinal);
        Assert.Contains("grpc_service.envoy_grpc.cluster_name 'other' is not a static cluster",
            Assert.Throws<EnvoyYamlException>(() => EnvoyYamlConfig.Parse(missing)).Message, StringComparison.Ordinal);

        var http1 = Yaml().Replace("    http2_protocol_options: {}\n", "", StringComparison.Ordinal);
        Assert.Contains("static_resources.clusters[0] (line 23): the ext_proc cluster must use HTTP/2 (gRPC)",
            Assert.Throws<EnvoyYamlException>(() => EnvoyYamlConfig.Parse(http1)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chain_without_ext_proc_or_with_a_filter_after_the_router_is_rejected()
    {
        var noExtProc = Yaml().Replace("ext_proc.v3.ExternalProcessor", "router.v3.Router", StringComparison.Ordinal);
        Assert.Contains("the router must be the last http filter",
            Assert.Throws<EnvoyYamlException>(() => EnvoyYamlConfig.Parse(noExtProc)).Message, StringComparison.Ordinal);

        var garbage = Assert.Throws<EnvoyYamlException>(() => EnvoyYamlConfig.Parse("static_resources: [1"));
        Assert.Contains("not valid YAML", garbage.Message, StringComparison.Ordinal);
    }

    private static void AssertFails(string yaml, string expected)
    {
        var e = Assert.Throws<EnvoyYamlException>(() => EnvoyYamlConfig.Parse(yaml));
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), e.Message);
    }

    private static string Indent(string text, int spaces) => string.Join("\n",
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => new string(' ', spaces) + l.TrimEnd()));
}
