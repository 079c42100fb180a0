using System.Text.RegularExpressions;
using EnvoyTraceFilter.Core.Headers;

namespace EnvoyTraceFilter.Fuzz;

/// <summary>
/// What each header the filter writes must look like, written from the specs independently of the core's writers
/// (B3: 16/32 lower hex; W3C: version 00; X-Ray: Root=1-8hex-24hex; Cloud Trace: 32 hex / decimal span).
/// </summary>
internal static partial class OutputFormats
{
    [GeneratedRegex("^(?:[0-9a-f]{16}|[0-9a-f]{32})$")]
    private static partial Regex B3TraceId();

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex Hex16();

    [GeneratedRegex("^(?<t>[0-9a-f]{16}|[0-9a-f]{32})-(?<s>[0-9a-f]{16})(?:-[01d])?(?:-(?<p>[0-9a-f]{16}))?$")]
    private static partial Regex B3Single();

    [GeneratedRegex("^00-(?<t>[0-9a-f]{32})-(?<s>[0-9a-f]{16})-0[0-3]$")]
    private static partial Regex TraceParent();

    // Extra fields: visible ASCII keys and values without ';' or '=' (the value may be empty).
    [GeneratedRegex("^Root=1-(?<t>[0-9a-f]{8}-[0-9a-f]{24})(?:;Parent=(?<s>[0-9a-f]{16}))?(?:;Sampled=[01])?(?:;[!-:<>-~]+=[!-:<>-~]*)*$")]
    private static partial Regex XRay();

    [GeneratedRegex("^(?<t>[0-9a-f]{32})/[1-9][0-9]{0,19}(?:;o=[01])?$")]
    private static partial Regex CloudTrace();

    /// <summary>Throws when <paramref name="value"/> is not a valid value for the trace header <paramref name="name"/>.</summary>
    public static void CheckTraceHeader(string name, string value)
    {
        var ok = name switch
        {
            "x-b3-traceid" => B3TraceId().IsMatch(value) && NotZero(value),
            "x-b3-spanid" or "x-b3-parentspanid" => Hex16().IsMatch(value) && NotZero(value),
            "x-b3-sampled" => value is "0" or "1",
            "x-b3-flags" => value == "1",
            "b3" => B3Single().Match(value) is { Success: true } m && NotZero(m, "t") && NotZero(m, "s") && NotZero(m, "p"),
            "traceparent" => TraceParent().Match(value) is { Success: true } m && NotZero(m, "t") && NotZero(m, "s"),
            "x-amzn-trace-id" => XRay().Match(value) is { Success: true } m && NotZero(m, "t") && NotZero(m, "s"),
            "x-cloud-trace-context" => CloudTrace().Match(value) is { Success: true } m && NotZero(m, "t") && SpanFits(value),
            _ => throw new PropertyViolation($"unexpected trace header '{name}'"),
        };
        PropertyViolation.Check(ok, $"{name}: '{value}' is not a valid value of its format");
    }

    /// <summary>Header values Envoy accepts in a mutation (no control byte but HTAB, no DEL) and not empty.</summary>
    public static void CheckValue(string name, ReadOnlySpan<byte> value)
    {
        PropertyViolation.Check(name.Length > 0, "empty header name");
        PropertyViolation.Check(!value.IsEmpty, $"{name}: empty value");
        foreach (var b in value)
        {
            PropertyViolation.Check(b is >= 0x20 and not 0x7F || b == (byte)'\t', $"{name}: byte 0x{b:x2} Envoy refuses in a header value");
        }

        PropertyViolation.Check(HeaderBudget.IsValidValue(value), $"{name}: HeaderBudget disagrees with the byte check");
    }

    private static bool NotZero(Match m, string group) => !m.Groups[group].Success || NotZero(m.Groups[group].Value);

    private static bool NotZero(string hex) => hex.AsSpan().ContainsAnyExcept("0-");

    // The decimal span id must be 1..2^64-1.
    private static bool SpanFits(string value)
    {
        var digits = value.AsSpan(33);
        var end = digits.IndexOf(';');
        return ulong.TryParse(end < 0 ? digits : digits[..end], out var span) && span != 0;
    }
}
