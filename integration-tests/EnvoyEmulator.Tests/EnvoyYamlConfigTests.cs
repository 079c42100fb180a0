using Envoy.Extensions.Filters.Http.ExtProc.V3;
using EnvoyEmulator.Tests.Infrastructure;
using HeaderSendMode = Envoy.Extensions.Filters.Http.ExtProc.V3.ProcessingMode.Types.HeaderSendMode;

namespace EnvoyEmulator.Tests;

/// <summary>The emulator configured from an Envoy bootstrap, strictly.</summary>
public sealed class EnvoyYamlConfigTests
{
    private static string Yaml(string hcmExtra = "", string extProcExtra = "", string clusterExtra = "") => $$"""
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
    [InlineData("", "", "circuit_breakers: { thresholds: [ { max_requests: 1024 } ] }", "static_resources.clusters[0].circuit_breakers (line 26): the circuit breaker is not modelled yet")]
    public void Unmodelled_or_wrong_fields_fail_with_their_yaml_path(string extProc, string hcm, string cluster, string expected)
    {
        var e = Assert.Throws<EnvoyYamlException>(() => EnvoyYamlConfig.Parse(Yaml(hcm, extProc, cluster)));
        Assert.StartsWith("envoy.yaml: ", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Contains(expected, StringComparison.Ordinal), e.Message);
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

    private static string Indent(string text, int spaces) => string.Join("\n",
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => new string(' ', spaces) + l.TrimEnd()));
}
