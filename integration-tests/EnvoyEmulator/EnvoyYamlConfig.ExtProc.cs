using Envoy.Extensions.Filters.Http.ExtProc.V3;
using Google.Protobuf;

namespace EnvoyEmulator;

/// <summary>The ext_proc filter's own settings: timeouts, modes, attributes, forward_rules, mutation_rules.</summary>
public static partial class EnvoyYamlConfig
{
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
}
