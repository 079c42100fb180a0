using Envoy.Extensions.Filters.Http.ExtProc.V3;
using Google.Protobuf;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EnvoyEmulator;

/// <summary>
/// Builds <see cref="EmulatorOptions"/> from an Envoy bootstrap (v3, static_resources) such as the repository's
/// envoy.yaml: the one HTTP connection manager whose chain holds the ext_proc filter, that filter, and the
/// cluster it calls. A field that would change what Envoy sends or accepts and that the emulator does not
/// model fails with its YAML path, so the tests never silently run a configuration other than the one deployed.
/// Settings the YAML cannot hold (version, clock, addresses of the emulated machines) come from the base options.
/// </summary>
public static class EnvoyYamlConfig
{
    private const string HcmType =
        "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";

    private const string ExtProcType = "type.googleapis.com/envoy.extensions.filters.http.ext_proc.v3.ExternalProcessor";
    private const string RouterType = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";
    private const string ProtocolOptionsKey = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

    /// <summary>Reads <paramref name="path"/>; errors name the file, the YAML path and the line.</summary>
    public static EmulatorOptions Load(string path, EmulatorOptions? baseOptions = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path), baseOptions, Path.GetFileName(path));
    }

    /// <summary>
    /// The repository's envoy.yaml: the first directory from <paramref name="startDirectory"/> upwards that
    /// holds both envoy.yaml and EnvoyTraceFilter.sln (tests start in bin/Release/net10.0).
    /// </summary>
    public static string FindRepositoryFile(string startDirectory)
    {
        for (var dir = new DirectoryInfo(startDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "envoy.yaml");
            if (File.Exists(candidate) && File.Exists(Path.Combine(dir.FullName, "EnvoyTraceFilter.sln")))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"No envoy.yaml next to EnvoyTraceFilter.sln in {startDirectory} or above.");
    }

    public static EmulatorOptions Parse(string yaml, EmulatorOptions? baseOptions = null, string source = "envoy.yaml")
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new EnvoyYamlException(source, "", e.Start.Line, $"not valid YAML: {e.Message}");
        }

        if (stream.Documents.Count != 1)
        {
            throw new EnvoyYamlException($"{source}: expected one YAML document, found {stream.Documents.Count}");
        }

        var root = new YamlFields(stream.Documents[0].RootNode, "", source);
        var resources = root.RequiredMapping("static_resources");
        root.Ignore("admin", "node");
        root.Finish();

        var (hcm, extProc) = FindExtProc(resources);
        var clusters = resources.Mappings("clusters");
        resources.Finish();

        var options = baseOptions ?? new EmulatorOptions();
        options = ReadConnectionManager(hcm, options);
        options = ReadExtProc(extProc, options);
        ReadCluster(extProc, clusters, options.ClusterName);
        return options;
    }

    /// <summary>Exactly one connection manager may run ext_proc; its http_filters are checked on the way.</summary>
    private static (YamlFields Hcm, YamlFields ExtProc) FindExtProc(YamlFields resources)
    {
        var found = new List<(YamlFields, YamlFields)>();
        foreach (var listener in resources.Mappings("listeners"))
        {
            listener.Ignore("name", "address", "stat_prefix", "per_connection_buffer_limit_bytes");
            listener.Reject("listener_filters", "listener filters (e.g. proxy_protocol) change the peer address; not modelled");
            foreach (var chain in listener.Mappings("filter_chains"))
            {
                chain.Ignore("name");
                chain.Reject("transport_socket", "TLS downstream is not modelled (the request's Scheme stands for it)");
                foreach (var filter in chain.Mappings("filters"))
                {
                    filter.Ignore("name");
                    var config = filter.RequiredMapping("typed_config");
                    if (config.String("@type") != HcmType)
                    {
                        throw config.FailAt("@type", "only the HTTP connection manager is modelled as a network filter");
                    }

                    var extProc = CheckHttpFilters(config);
                    if (extProc is not null)
                    {
                        found.Add((config, extProc));
                    }

                    filter.Finish();
                }

                chain.Finish();
            }

            listener.Finish();
        }

        return found.Count switch
        {
            1 => found[0],
            0 => throw resources.Fail("no http_connection_manager runs envoy.filters.http.ext_proc"),
            _ => throw resources.Fail("more than one connection manager runs ext_proc; the emulator models one"),
        };
    }

    /// <summary>The chain may hold ext_proc (at most once) and must end with the router.</summary>
    private static YamlFields? CheckHttpFilters(YamlFields hcm)
    {
        YamlFields? extProc = null;
        var filters = hcm.Mappings("http_filters");
        for (var i = 0; i < filters.Count; i++)
        {
            var filter = filters[i];
            filter.Ignore("name");
            filter.Reject("disabled", "disabled filters (enabled per route) are not modelled");
            var config = filter.RequiredMapping("typed_config");
            var type = config.String("@type");
            if (type == ExtProcType && extProc is null)
            {
                extProc = config;
            }
            else if (type == RouterType && i == filters.Count - 1)
            {
                config.Ignore("dynamic_stats", "start_child_span", "suppress_envoy_headers");
                config.Finish();
            }
            else
            {
                throw config.FailAt("@type", type == RouterType
                    ? "the router must be the last http filter"
                    : "only one ext_proc filter followed by the router is modelled");
            }

            filter.Finish();
        }

        return extProc;
    }

    private static EmulatorOptions ReadConnectionManager(YamlFields hcm, EmulatorOptions options)
    {
        // Routing, logging and timeouts do not change what the filter sees.
        hcm.Ignore("stat_prefix", "codec_type", "route_config", "access_log", "stream_idle_timeout",
            "request_timeout", "request_headers_timeout", "drain_timeout", "delayed_close_timeout", "http_filters");
        hcm.Reject("tracing", "Envoy's tracer rewrites x-b3-* after ext_proc; not modelled");
        hcm.Reject("internal_address_config", "only the default internal address rules are modelled");
        if (hcm.Bool("generate_request_id") == false)
        {
            throw hcm.FailAt("generate_request_id", "only generate_request_id: true is modelled");
        }

        var maxCount = options.MaxRequestHeadersCount;
        if (hcm.Mapping("common_http_protocol_options") is { } common)
        {
            common.Ignore("idle_timeout", "max_connection_duration", "max_stream_duration");
            maxCount = (int)(common.UInt("max_headers_count") ?? 100);
            if (common.String("headers_with_underscores_action") is { } action && action != "ALLOW")
            {
                throw common.FailAt("headers_with_underscores_action", "only ALLOW is modelled");
            }

            common.Finish();
        }

        var result = options with
        {
            UseRemoteAddress = hcm.Bool("use_remote_address") ?? false,
            XffNumTrustedHops = (int)(hcm.UInt("xff_num_trusted_hops") ?? 0),
            MaxRequestHeadersKb = (int)(hcm.UInt("max_request_headers_kb") ?? 60),
            MaxRequestHeadersCount = maxCount,
        };
        hcm.Finish();
        return result;
    }

    private static EmulatorOptions ReadExtProc(YamlFields config, EmulatorOptions options)
    {
        config.Ignore("stat_prefix");
        var grpc = config.RequiredMapping("grpc_service");
        grpc.Ignore("timeout"); // no effect on ext_proc streams
        var envoyGrpc = grpc.Mapping("envoy_grpc") ?? throw grpc.Fail("only envoy_grpc is modelled");
        var cluster = envoyGrpc.String("cluster_name") ?? throw envoyGrpc.Fail("'cluster_name' is required");
        envoyGrpc.Finish();
        grpc.Finish();

        var result = options with
        {
            ClusterName = cluster,
            FailureModeAllow = config.Bool("failure_mode_allow") ?? false,
            MessageTimeout = config.Duration("message_timeout") ?? TimeSpan.FromMilliseconds(200),
            MaxMessageTimeout = config.Duration("max_message_timeout") ?? TimeSpan.Zero,
            AllowModeOverride = config.Bool("allow_mode_override") ?? false,
            ProcessingMode = ReadProcessingMode(config),
            RequestAttributes = config.Strings("request_attributes") ?? [],
            ResponseAttributes = config.Strings("response_attributes") ?? [],
            ForwardRules = ReadForwardRules(config.Mapping("forward_rules")),
            MutationRules = ReadMutationRules(config.Mapping("mutation_rules")),
        };
        var mode = result.ProcessingMode;
        if (mode.RequestBodyMode != ProcessingMode.Types.BodySendMode.None
            || mode.ResponseBodyMode != ProcessingMode.Types.BodySendMode.None)
        {
            throw config.FailAt("processing_mode", "only body mode NONE is modelled");
        }

        config.Finish();
        return result;
    }

    private static ProcessingMode ReadProcessingMode(YamlFields config)
    {
        if (config.Json("processing_mode") is not { } json)
        {
            return new ProcessingMode();
        }

        try
        {
            return JsonParser.Default.Parse<ProcessingMode>(json.Json);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            throw config.At(json.Node, json.Path, e.Message);
        }
    }

    private static ForwardRules ReadForwardRules(YamlFields? rules)
    {
        if (rules is null)
        {
            return ForwardRules.All;
        }

        var result = new ForwardRules
        {
            AllowedHeaders = ReadMatchers(rules.Mapping("allowed_headers")),
            DisallowedHeaders = ReadMatchers(rules.Mapping("disallowed_headers")),
        };
        rules.Finish();
        return result;
    }

    /// <summary>An envoy.type.matcher.v3.ListStringMatcher.</summary>
    private static List<StringMatch> ReadMatchers(YamlFields? list)
    {
        if (list is null)
        {
            return [];
        }

        var result = new List<StringMatch>();
        foreach (var pattern in list.Mappings("patterns"))
        {
            result.Add(ReadMatcher(pattern));
        }

        if (result.Count == 0)
        {
            throw list.Fail("'patterns' needs at least one matcher"); // PGV min_items 1
        }

        list.Finish();
        return result;
    }

    private static StringMatch ReadMatcher(YamlFields matcher)
    {
        var ignoreCase = matcher.Bool("ignore_case") ?? false;
        var kinds = new List<(StringMatchKind Kind, string Value)>();
        foreach (var kind in new[] { StringMatchKind.Exact, StringMatchKind.Prefix, StringMatchKind.Suffix, StringMatchKind.Contains })
        {
            if (matcher.String(StringMatch.Name(kind)) is { } value)
            {
                kinds.Add((kind, value));
            }
        }

        if (matcher.Mapping("safe_regex") is { } regex)
        {
            regex.Ignore("google_re2"); // the only engine, and deprecated as a field
            kinds.Add((StringMatchKind.SafeRegex, regex.String("regex") ?? throw regex.Fail("'regex' is required")));
            regex.Finish();
        }

        matcher.Reject("custom", "custom string matchers are not modelled");
        if (kinds.Count != 1)
        {
            throw matcher.Fail("a string matcher needs exactly one of exact, prefix, suffix, contains, safe_regex");
        }

        StringMatch result;
        try
        {
            result = new StringMatch(kinds[0].Kind, kinds[0].Value, ignoreCase);
        }
        catch (ArgumentException e)
        {
            throw matcher.Fail(e.Message.Split(" (Parameter")[0]);
        }

        matcher.Finish();
        return result;
    }

    private static HeaderMutationRules ReadMutationRules(YamlFields? rules)
    {
        if (rules is null)
        {
            return new HeaderMutationRules();
        }

        var result = new HeaderMutationRules
        {
            AllowAllRouting = rules.Bool("allow_all_routing") ?? false,
            AllowEnvoy = rules.Bool("allow_envoy") ?? false,
            DisallowSystem = rules.Bool("disallow_system") ?? false,
            DisallowIsError = rules.Bool("disallow_is_error") ?? false,
        };
        rules.Finish();
        return result;
    }

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
