using EnvoyTraceFilter.Core.Matching;

namespace EnvoyTraceFilter.Core.Naming;

/// <summary>
/// One X-Ray style wildcard pattern: <c>*</c> is any run of characters (including none), <c>?</c> exactly one UTF-16
/// character, everything else matches itself under ordinal ignore-case; the pattern must cover the whole host.
/// </summary>
public sealed class HostPattern
{
    private readonly string _pattern;
    private readonly bool _matchesAll;

    public HostPattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        Text = pattern;

        // "**" means the same as "*"; collapsing keeps the matcher's restarts minimal.
        var collapsed = new System.Text.StringBuilder(pattern.Length);
        foreach (var c in pattern)
        {
            if (c != '*' || collapsed.Length == 0 || collapsed[^1] != '*')
            {
                _ = collapsed.Append(c);
            }
        }

        _pattern = collapsed.ToString();
        _matchesAll = _pattern == "*";
        HasWildcards = _pattern.AsSpan().ContainsAny('*', '?');
    }

    /// <summary>The pattern as configured.</summary>
    public string Text { get; }

    public bool HasWildcards { get; }

    /// <summary>Whole-host match, ordinal ignore-case; see <see cref="Glob"/> for the algorithm's bounds.</summary>
    public bool IsMatch(ReadOnlySpan<char> host) => _matchesAll || Glob.IsMatch(_pattern, host, GlobCase.OrdinalInsensitive);

    public override string ToString() => Text;
}
