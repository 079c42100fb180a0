using System.Text.RegularExpressions;

namespace EnvoyEmulator;

/// <summary>The kind of test an Envoy <c>envoy.type.matcher.v3.StringMatcher</c> makes.</summary>
public enum StringMatchKind
{
    Exact,
    Prefix,
    Suffix,
    Contains,
    SafeRegex,
}

/// <summary>
/// One Envoy StringMatcher (source/common/common/matchers.cc, 1.36): exact/prefix/suffix/contains, each
/// optionally ignoring ASCII case, or a safe_regex that must match the whole value (RE2 full match).
/// </summary>
public sealed record StringMatch
{
    private readonly Regex? _regex;

    public StringMatch(StringMatchKind kind, string pattern, bool ignoreCase = false)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (kind != StringMatchKind.Exact && pattern.Length == 0)
        {
            // PGV min_len 1 on prefix, suffix, contains and regex.
            throw new ArgumentException($"{Name(kind)} must not be empty", nameof(pattern));
        }

        if (kind == StringMatchKind.SafeRegex)
        {
            if (ignoreCase)
            {
                // Envoy rejects the combination at config load.
                throw new ArgumentException("ignore_case has no effect for safe_regex", nameof(ignoreCase));
            }

            // RE2 full-match semantics; NonBacktracking keeps RE2's linear-time guarantee.
            _regex = new Regex($"\\A(?:{pattern})\\z", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }

        Kind = kind;
        Pattern = pattern;
        IgnoreCase = ignoreCase;
    }

    public StringMatchKind Kind { get; }

    public string Pattern { get; }

    public bool IgnoreCase { get; }

    public static StringMatch Exact(string value, bool ignoreCase = false) => new(StringMatchKind.Exact, value, ignoreCase);

    public static StringMatch Prefix(string value, bool ignoreCase = false) => new(StringMatchKind.Prefix, value, ignoreCase);

    public bool Matches(string value)
    {
        // Envoy compares ASCII case-insensitively (absl::EqualsIgnoreCase and friends): OrdinalIgnoreCase.
        var comparison = IgnoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return Kind switch
        {
            StringMatchKind.Exact => string.Equals(value, Pattern, comparison),
            StringMatchKind.Prefix => value.StartsWith(Pattern, comparison),
            StringMatchKind.Suffix => value.EndsWith(Pattern, comparison),
            StringMatchKind.Contains => value.Contains(Pattern, comparison),
            _ => _regex!.IsMatch(value),
        };
    }

    /// <summary>The YAML key Envoy uses for a kind.</summary>
    public static string Name(StringMatchKind kind) => kind switch
    {
        StringMatchKind.SafeRegex => "safe_regex",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public override string ToString() => $"{Name(Kind)}: \"{Pattern}\"{(IgnoreCase ? " (ignore_case)" : "")}";
}
