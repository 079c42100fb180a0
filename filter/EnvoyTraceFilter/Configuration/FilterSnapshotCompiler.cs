using EnvoyTraceFilter.Core.Analysis;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Configuration;

/// <summary>
/// Turns options into a <see cref="FilterSnapshot"/>. Validation is compilation: every problem found on the
/// way is added to the error list (key, problem, fix), and a snapshot is returned only when there was none.
/// </summary>
public static partial class FilterSnapshotCompiler
{
    private const string Root = TraceFilterOptions.SectionName;

    public const string TracingNameVariable = "AWS_XRAY_TRACING_NAME";

    // A silent stream holds a few KB; an hour bounds what a misconfiguration can keep open.
    private static readonly TimeSpan MaxFirstMessageTimeout = TimeSpan.FromHours(1);

    /// <param name="options">Bound options.</param>
    /// <param name="errors">Receives every problem found.</param>
    /// <param name="ids">Id source (tests inject a fixed one).</param>
    /// <param name="environment">Environment lookup (tests inject one); defaults to the process environment.</param>
    /// <param name="hostNames">The process's host-name guard, shared by every version; null gives the snapshot its own.
    /// Its cap is set by whoever applies the snapshot, not here: a rejected version must change nothing.</param>
    public static FilterSnapshot? TryCompile(TraceFilterOptions options, List<string> errors, IIdGenerator? ids = null,
        Func<string, string?>? environment = null, Core.Naming.DistinctNameGuard? hostNames = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var start = errors.Count;
        if (options.Port is < 0 or > 65535)
        {
            errors.Add($"{Root}:Port must be between 1 and 65535 (0 picks a free port); was {options.Port}.");
        }

        if (options.ListenAddress != "*" && !System.Net.IPAddress.TryParse(options.ListenAddress, out _))
        {
            errors.Add($"{Root}:ListenAddress '{options.ListenAddress}' is not an IP address; use an address such as 127.0.0.1 or \"*\" for all interfaces.");
        }

        if (options.MaxStreamsPerConnection < 1)
        {
            errors.Add($"{Root}:MaxStreamsPerConnection must be at least 1 (1024, Envoy's max_concurrent_streams, recommended); was {options.MaxStreamsPerConnection}.");
        }

        ValidateHosting(options, errors);
        var finishAfter = ParseEnum<FinishStreamAfter>(options.ExtProc.FinishStreamAfter, $"{Root}:ExtProc:FinishStreamAfter", errors);
        if (options.ExtProc.ErrorLogIntervalSeconds < 0)
        {
            errors.Add($"{Root}:ExtProc:ErrorLogIntervalSeconds must be 0 or more; was {options.ExtProc.ErrorLogIntervalSeconds}.");
        }

        if (options.ExtProc.FirstMessageTimeout <= TimeSpan.Zero || options.ExtProc.FirstMessageTimeout > MaxFirstMessageTimeout)
        {
            errors.Add($"{Root}:ExtProc:FirstMessageTimeout must be positive and at most {MaxFirstMessageTimeout} (default 00:00:10; Envoy sends request_headers as soon as it opens a stream); was {options.ExtProc.FirstMessageTimeout}.");
        }

        var (requestLimits, responseLimits) = CompileEnvoyLimits(options.EnvoyLimits, errors);
        var propagation = CompilePropagation(options.Propagation, errors);
        var sampling = CompileSampling(options.Sampling, errors);
        var clients = CompileClientIdentity(options.ClientIdentity, errors);
        var namer = CompileNaming(options.Naming, environment(TracingNameVariable), errors, hostNames);
        var clientHeader = HeaderName(options.ClientIdentity.Header, $"{Root}:ClientIdentity:Header", errors);
        var serviceHeader = HeaderName(options.Naming.Header, $"{Root}:Naming:Header", errors);
        if (clientHeader is not null && string.Equals(options.ClientIdentity.Mode, "XRay", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{Root}:ClientIdentity:Header cannot be used with ClientIdentity:Mode XRay, which records the raw, forgeable X-Forwarded-For; use Mode Trusted or remove the header.");
        }

        var headerTags = CompileHeaderTags(options.SpanHeaderTags, errors);
        if (errors.Count > start)
        {
            return null;
        }

        return new FilterSnapshot
        {
            Analyzer = new RequestAnalyzer(propagation!, new Sampler(sampling!), clients!, namer!,
                ids ?? new RandomIdGenerator(TimeProvider.System), new AppHeaders(clientHeader, serviceHeader)),
            FinishAfter = finishAfter,
            ErrorLogInterval = TimeSpan.FromSeconds(options.ExtProc.ErrorLogIntervalSeconds),
            FirstMessageTimeout = options.ExtProc.FirstMessageTimeout,
            SpanTags = [.. options.SpanTags.OrderBy(t => t.Key, StringComparer.Ordinal)],
            SpanHeaderTags = headerTags!,
            RequestHeaderLimits = requestLimits,
            ResponseHeaderLimits = responseLimits,
        };
    }

    private static SamplingOptions? CompileSampling(SamplingSection section, List<string> errors)
    {
        var start = errors.Count;
        var rulesJson = section.RulesJson;
        string? rulesFile = null;
        if (!string.IsNullOrWhiteSpace(section.RulesFile))
        {
            rulesFile = $"{SamplingRulesFile.Key} '{section.RulesFile}'";
            if (!string.IsNullOrWhiteSpace(rulesJson))
            {
                errors.Add($"{SamplingRulesFile.Key} and {SamplingOptions.RulesJsonKey} are both set; keep one.");
            }

            rulesJson = SamplingRulesFile.Read(section.RulesFile, errors);
        }

        var options = new SamplingOptions
        {
            TrustIncoming = ParseEnum<TrustIncoming>(section.TrustIncoming, SamplingOptions.TrustIncomingKey, errors),
            Strategy = ParseEnum<SamplingStrategy>(section.Strategy, SamplingOptions.StrategyKey, errors),
            Ratio = section.Ratio,
            RulesJson = rulesJson,
        };

        // The rules parser names RulesJson; a document from a file is reported under the file's key and path.
        errors.AddRange(rulesFile is null
            ? options.Validate()
            : options.Validate().Select(e => e.StartsWith(SamplingOptions.RulesJsonKey, StringComparison.Ordinal)
                ? rulesFile + e[SamplingOptions.RulesJsonKey.Length..]
                : e));
        return errors.Count > start ? null : options;
    }

    private static PropagationSettings? CompilePropagation(PropagationOptions options, List<string> errors)
    {
        var start = errors.Count;
        var key = $"{Root}:Propagation";
        var precedence = ParseFormats(options.Precedence, $"{key}:Precedence", errors);
        var outputs = ParseFormats(options.Outputs, $"{key}:Outputs", errors);
        var mode = ParseEnum<PropagationMode>(options.Mode, $"{key}:Mode", errors);

        if (precedence is { Count: > 0 })
        {
            // The seed's rule: a valid incoming B3 trace id is never replaced, so B3 may not rank below another format.
            var firstOther = precedence.FindIndex(f => f is not (TraceFormat.B3Single or TraceFormat.B3Multi));
            var lastB3 = precedence.FindLastIndex(f => f is TraceFormat.B3Single or TraceFormat.B3Multi);
            if (firstOther >= 0 && lastB3 > firstOther)
            {
                errors.Add($"{key}:Precedence lists {precedence[lastB3]} after {precedence[firstOther]}; B3 formats must come first, because a valid incoming B3 trace id is never replaced.");
            }
        }

        if (options.Precedence is { Length: 0 })
        {
            errors.Add($"{key}:Precedence is empty; list at least one of {Names<TraceFormat>()} (or remove the key for the default).");
        }

        return errors.Count > start ? null : new PropagationSettings(precedence, outputs, mode);
    }

    private static List<TraceFormat>? ParseFormats(string[]? values, string key, List<string> errors)
    {
        if (values is null)
        {
            return null;
        }

        var result = new List<TraceFormat>(values.Length);
        for (var i = 0; i < values.Length; i++)
        {
            var format = ParseEnum<TraceFormat>(values[i], $"{key}[{i}]", errors);
            if (result.Contains(format))
            {
                errors.Add($"{key}[{i}] repeats {format}; list each format once.");
            }

            result.Add(format);
        }

        return result;
    }

    internal static T ParseEnum<T>(string? value, string key, List<string> errors) where T : struct, Enum
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{key} is empty; use one of {Names<T>()}.");
            return default;
        }

        if (Enum.TryParse<T>(value.Trim(), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(value, out _))
        {
            return parsed;
        }

        errors.Add($"{key} '{value}' is not valid; use one of {Names<T>()}.");
        return default;
    }

    private static string Names<T>() where T : struct, Enum => string.Join(", ", Enum.GetNames<T>());
}
