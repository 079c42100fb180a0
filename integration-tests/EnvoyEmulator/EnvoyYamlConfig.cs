using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace EnvoyEmulator;

/// <summary>
/// Builds <see cref="EmulatorOptions"/> from an Envoy bootstrap (v3, static_resources) such as the repository's
/// envoy.yaml: the one HTTP connection manager whose chain holds the ext_proc filter, that filter, the
/// cluster it calls, and the header limits of the cluster its routes lead to. A field that would change what Envoy sends or accepts and that the emulator does not
/// model fails with its YAML path, so the tests never silently run a configuration other than the one deployed.
/// Settings the YAML cannot hold (version, clock, addresses of the emulated machines) come from the base options.
/// </summary>
public static partial class EnvoyYamlConfig
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
        options = ReadCluster(extProc, clusters, options);
        return ReadUpstream(hcm, clusters, options);
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
            common.Reject("max_response_headers_kb", "max_response_headers_kb cannot be set on http_connection_manager (Envoy rejects it; set it on the upstream cluster)");
            maxCount = common.Int("max_headers_count", 1, int.MaxValue) ?? 100;
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
            MaxRequestHeadersKb = hcm.Int("max_request_headers_kb", 1, MaxHeadersKbLimit) ?? 60,
            MaxRequestHeadersCount = maxCount,
        };
        hcm.Finish();
        return result;
    }
}
