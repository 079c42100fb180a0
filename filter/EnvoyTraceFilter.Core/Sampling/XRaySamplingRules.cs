namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>
/// A parsed X-Ray local sampling rules document (the SDK's <c>sampling-rules.json</c>):
/// <c>{"version": 2, "rules": [{"description", "host", "http_method", "url_path", "fixed_target", "rate"}],
/// "default": {"fixed_target", "rate"}}</c>; version 1 names the host pattern <c>service_name</c>.
/// Rules are tried in the order written; the first match wins, else the default rule applies.
/// </summary>
public sealed class XRaySamplingRules
{
    /// <summary>What the X-Ray SDKs use without a rules file: 1 request per second, then 5 % of the rest.</summary>
    public static XRaySamplingRules XRayDefault { get; } = new(
        2,
        [],
        new XRaySamplingRule("X-Ray SDK default", "*", "*", "*", FixedTarget: 1, Rate: 0.05));

    internal XRaySamplingRules(int version, IReadOnlyList<XRaySamplingRule> rules, XRaySamplingRule @default)
    {
        Version = version;
        Rules = rules;
        Default = @default;
    }

    /// <summary>1 or 2, as written in the document.</summary>
    public int Version { get; }

    /// <summary>The custom rules, in match order.</summary>
    public IReadOnlyList<XRaySamplingRule> Rules { get; }

    /// <summary>The rule for requests no custom rule matches.</summary>
    public XRaySamplingRule Default { get; }

    /// <summary>
    /// Parses and validates a rules document. Null or blank text means "not configured" and yields
    /// <see cref="XRayDefault"/>. Never throws for bad input: every problem found is returned in
    /// <paramref name="errors"/> as a message naming the configuration key and the fix.
    /// </summary>
    public static bool TryParse(string? json, out XRaySamplingRules? rules, out IReadOnlyList<string> errors)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            rules = XRayDefault;
            errors = [];
            return true;
        }

        var found = new List<string>();
        rules = XRaySamplingRulesParser.Parse(json, found);
        errors = found;
        return rules is not null;
    }
}
