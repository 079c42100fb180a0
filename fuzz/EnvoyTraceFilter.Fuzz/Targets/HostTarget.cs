using System.Text;
using EnvoyTraceFilter.Core.Naming;

namespace EnvoyTraceFilter.Fuzz.Targets;

/// <summary>
/// Host patterns and host matching. Input: pattern '\n' authority. The pattern is matched against the authority
/// (as Latin-1 text) and compared with <see cref="ReferenceGlob"/>; then a namer with that pattern names the authority.
/// </summary>
internal static class HostTarget
{
    // The oracle is quadratic in time and linear in memory; beyond this the fuzzer would only measure the oracle.
    private const long MaxOracleCells = 1 << 20;

    public static void Run(ReadOnlySpan<byte> input)
    {
        var newline = input.IndexOf((byte)'\n');
        var patternBytes = newline < 0 ? input : input[..newline];
        var authority = newline < 0 ? default : input[(newline + 1)..];
        var pattern = Encoding.Latin1.GetString(patternBytes);
        var host = Encoding.Latin1.GetString(authority);

        var compiled = new HostPattern(pattern);
        var matched = compiled.IsMatch(host);
        if ((long)(pattern.Length + 1) * (host.Length + 1) <= MaxOracleCells)
        {
            PropertyViolation.Check(matched == ReferenceGlob.IsMatch(pattern, host),
                $"host: '{pattern}' vs '{host}': matcher says {matched}, reference disagrees");
        }

        var errors = new List<string>();
        var namer = ServiceNamer.TryCreate([new NamingRule(pattern, null), new NamingRule("*.example.com", "example")], "fallback", null, 4, errors);
        if (namer is null)
        {
            PropertyViolation.Check(errors.Count > 0, "host: namer refused without saying why");
            return;
        }

        var result = namer.Resolve(authority);
        PropertyViolation.Check(result.Name.Length is > 0 and <= ServiceNames.MaxLength, "host: service name empty or too long");
        PropertyViolation.Check(ServiceNames.Sanitize(result.Name) == result.Name, $"host: service name '{result.Name}' is not a valid X-Ray name");
        PropertyViolation.Check(!ServiceNames.ZipkinName(result.Name).Any(char.IsAsciiLetterUpper), "host: Zipkin name not lower case");
        if (result.Source == ServiceNameSource.Host)
        {
            // A host-derived name is the normalised host: ASCII, lower case, no port, and the configured pattern matched it.
            PropertyViolation.Check(result.Name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.' or '_' or ':'),
                $"host: host-derived name '{result.Name}' has characters a normalised host cannot have");
            // Names are cut to X-Ray's 200 characters, so only a shorter one is the whole host the pattern matched.
            PropertyViolation.Check(host.ToLowerInvariant().Contains(result.Name, StringComparison.Ordinal), "host: name is not from the host");
            PropertyViolation.Check(result.Name.Length == ServiceNames.MaxLength || compiled.IsMatch(result.Name),
                "host: named after a host the pattern does not match");
        }
    }
}
