using System.Buffers;

namespace EnvoyTraceFilter.Core.Naming;

/// <summary>
/// X-Ray dynamic naming outside the app: the first rule whose pattern matches the request's host names the service;
/// otherwise the fallback name, which <c>AWS_XRAY_TRACING_NAME</c> replaces exactly as in the X-Ray SDK.
/// Thread-safe; <see cref="Resolve"/> never throws and allocates only a host name seen for the first time.
/// </summary>
public sealed class ServiceNamer
{
    public const int DefaultMaxDistinctNames = 100;

    // A pattern is matched against a normalised host, so other characters could never match.
    private static readonly SearchValues<char> PatternChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._:*?");

    private readonly HostPattern[] _patterns;
    private readonly string?[] _names;
    private readonly string _fallbackName;
    private readonly DistinctNameGuard _guard;

    /// <param name="rules">Tried in order; the first match wins.</param>
    /// <param name="fallbackName">Name when no rule applies (the SDK's default/fixed name); may be empty only with an override.</param>
    /// <param name="tracingNameOverride">The value of <c>AWS_XRAY_TRACING_NAME</c>; when non-blank it replaces the fallback name, not the rules.</param>
    /// <param name="maxDistinctNames">Cap on distinct host-derived names per process; 0 means the host is never used as a name.</param>
    /// <exception cref="ArgumentException">The configuration is invalid; the message lists every problem.</exception>
    /// <param name="names">The process's host-name guard, shared across configuration versions; null gives this namer its own.
    /// Its cap is the caller's to set (when the configuration is applied), so it is not changed here.</param>
    public ServiceNamer(IReadOnlyList<NamingRule> rules, string fallbackName, string? tracingNameOverride, int maxDistinctNames,
        DistinctNameGuard? names = null)
        : this(rules, fallbackName, tracingNameOverride, maxDistinctNames, names, [], throwOnError: true)
    {
    }

    private ServiceNamer(IReadOnlyList<NamingRule> rules, string fallbackName, string? tracingNameOverride, int maxDistinctNames,
        DistinctNameGuard? names, List<string> errors, bool throwOnError)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(fallbackName);
        var start = errors.Count;

        _patterns = new HostPattern[rules.Count];
        _names = new string?[rules.Count];
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (rule?.Pattern is null)
            {
                errors.Add($"Naming:Rules[{i}]: the rule or its pattern is missing.");
                _patterns[i] = new HostPattern(string.Empty);
                continue;
            }

            if (rule.Pattern.AsSpan().ContainsAnyExcept(PatternChars))
            {
                errors.Add($"Naming:Rules[{i}]: pattern '{rule.Pattern}' may only contain letters, digits, '-', '.', '_', ':', '*' and '?'; " +
                    "ports are stripped before matching, and internationalised names must be written in punycode (xn--).");
            }

            _patterns[i] = new HostPattern(rule.Pattern);
            if (rule.Name is not null)
            {
                _names[i] = SanitizeConfigured(rule.Name, $"Naming:Rules[{i}]:Name", errors, "use null to name the service after the host");
            }
        }

        var useOverride = !string.IsNullOrWhiteSpace(tracingNameOverride);
        _fallbackName = useOverride
            ? SanitizeConfigured(tracingNameOverride!, "AWS_XRAY_TRACING_NAME", errors, "unset it or give a name")
            : SanitizeConfigured(fallbackName, "Naming:FallbackName", errors, "X-Ray rejects segments without a name");

        if (maxDistinctNames < 0)
        {
            errors.Add($"Naming:MaxDistinctNames: {maxDistinctNames} is negative; use 0 to never name a service after its host.");
        }

        if (throwOnError && errors.Count > start)
        {
            throw new ArgumentException(string.Join(" ", errors));
        }

        _guard = names ?? new DistinctNameGuard(maxDistinctNames);
    }

    /// <summary>Like the constructor, but adds every problem to <paramref name="errors"/> (one entry each) and returns null then.</summary>
    public static ServiceNamer? TryCreate(IReadOnlyList<NamingRule> rules, string fallbackName, string? tracingNameOverride,
        int maxDistinctNames, List<string> errors, DistinctNameGuard? names = null)
    {
        var start = errors.Count;
        var namer = new ServiceNamer(rules, fallbackName, tracingNameOverride, maxDistinctNames, names, errors, throwOnError: false);
        return errors.Count > start ? null : namer;
    }

    /// <summary>The name used when no rule applies (the override when set).</summary>
    public string FallbackName => _fallbackName;

    /// <summary>Distinct host-derived names admitted so far (for a gauge).</summary>
    public int DistinctHostNames => _guard.Count;

    /// <param name="authority">The request's <c>:authority</c> (Host) bytes; empty when absent.</param>
    public ServiceNameResult Resolve(ReadOnlySpan<byte> authority)
    {
        Span<char> buffer = stackalloc char[HostNormalizer.MaxAuthorityLength];
        var reason = HostNormalizer.Normalize(authority, buffer, out var length);
        if (reason != ServiceNameFallbackReason.None)
        {
            return Fallback(reason);
        }

        var host = buffer[..length];
        for (var i = 0; i < _patterns.Length; i++)
        {
            if (!_patterns[i].IsMatch(host))
            {
                continue;
            }

            if (_names[i] is { } fixedName)
            {
                return new ServiceNameResult(fixedName, ServiceNameSource.Rule, ServiceNameFallbackReason.None);
            }

            return _guard.TryGetOrAdd(host, out var hostName)
                ? new ServiceNameResult(hostName, ServiceNameSource.Host, ServiceNameFallbackReason.None)
                : Fallback(ServiceNameFallbackReason.CardinalityLimit);
        }

        return Fallback(ServiceNameFallbackReason.NoMatch);
    }

    private ServiceNameResult Fallback(ServiceNameFallbackReason reason) =>
        new(_fallbackName, ServiceNameSource.Fallback, reason);

    private static string SanitizeConfigured(string name, string key, List<string> errors, string hint)
    {
        // Surrounding blanks in configured names are almost always copy-paste accidents.
        var sanitized = ServiceNames.Sanitize(name.Trim());
        if (sanitized.Trim().Length == 0)
        {
            errors.Add($"{key}: '{name}' is empty after removing what X-Ray does not accept; {hint}.");
            return "_";
        }

        return sanitized;
    }
}
