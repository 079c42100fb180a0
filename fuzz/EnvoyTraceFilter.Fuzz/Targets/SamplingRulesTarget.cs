using System.Text;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Fuzz.Targets;

/// <summary>
/// X-Ray sampling rules documents: the input is the JSON text (decoded as UTF-8, so invalid sequences become U+FFFD).
/// A document is either accepted whole, with a sampler that decides without throwing, or refused with messages
/// that each name the configuration key.
/// </summary>
internal static class SamplingRulesTarget
{
    public static void Run(ReadOnlySpan<byte> input)
    {
        var json = Encoding.UTF8.GetString(input);
        var ok = XRaySamplingRules.TryParse(json, out var rules, out var errors);
        var options = new SamplingOptions { RulesJson = json, Strategy = SamplingStrategy.XRayRules, TrustIncoming = TrustIncoming.Never };
        var validation = options.Validate();
        if (!ok)
        {
            PropertyViolation.Check(rules is null && errors.Count > 0, "rules: refused without an error, or with rules");
            PropertyViolation.Check(errors.All(e => e.StartsWith(SamplingOptions.RulesJsonKey, StringComparison.Ordinal)),
                "rules: an error that does not name the configuration key");
            PropertyViolation.Check(validation.Count == errors.Count, "rules: Validate and TryParse disagree");
            return;
        }

        PropertyViolation.Check(rules is not null && errors.Count == 0 && validation.Count == 0, "rules: accepted with errors or without rules");
        PropertyViolation.Check(rules!.Version is 1 or 2 || string.IsNullOrWhiteSpace(json), $"rules: version {rules.Version}");
        foreach (var rule in rules.Rules.Append(rules.Default))
        {
            PropertyViolation.Check(rule.FixedTarget >= 0 && rule.Rate is >= 0 and <= 1, "rules: target or rate out of range");
            PropertyViolation.Check(rule.Host.Length > 0 && rule.HttpMethod.Length > 0 && rule.UrlPath.Length > 0, "rules: empty pattern");
        }

        var sampler = new Sampler(options);
        Decide(sampler, "api.example.com", "GET", "/orders/42?x=1");
        Decide(sampler, "", "", "");
        foreach (var rule in rules.Rules)
        {
            // Each rule's own text as a request, and long runs of one letter against its wildcards.
            Decide(sampler, rule.Host, rule.HttpMethod, rule.UrlPath);
            Decide(sampler, new string('a', 300), rule.HttpMethod, "/" + new string('a', 2000));
        }
    }

    private static void Decide(Sampler sampler, string host, string method, string path)
    {
        var result = sampler.Decide(new SamplingInput
        {
            Incoming = SamplingDecision.Sampled, TraceId = new TraceId(1, 2), Host = host, Method = method, Path = path,
        });
        PropertyViolation.Check(!result.Debug, "rules: a local decision said debug");
        PropertyViolation.Check(result.IgnoredIncoming == SamplingDecision.Sampled, "rules: untrusted incoming decision not recorded as ignored");
    }
}
