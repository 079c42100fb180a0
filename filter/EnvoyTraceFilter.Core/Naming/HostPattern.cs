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

    /// <summary>
    /// Greedy two-pointer match: on a mismatch it only ever retries from the most recent <c>*</c>, so time is
    /// O(host × pattern) at worst and there is no exponential backtracking; no allocation.
    /// </summary>
    public bool IsMatch(ReadOnlySpan<char> host)
    {
        if (_matchesAll)
        {
            return true;
        }

        var pattern = _pattern.AsSpan();
        int p = 0, h = 0, star = -1, resume = 0;
        while (h < host.Length)
        {
            if (p < pattern.Length && pattern[p] != '*' && (pattern[p] == '?' || CharEquals(pattern[p], host[h])))
            {
                p++;
                h++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = h;
            }
            else if (star >= 0)
            {
                // Let the last '*' swallow one more character and retry the rest of the pattern after it.
                p = star + 1;
                h = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    public override string ToString() => Text;

    private static bool CharEquals(char a, char b)
    {
        if (a == b)
        {
            return true;
        }

        if (char.IsAscii(a) && char.IsAscii(b))
        {
            return char.IsAsciiLetter(a) && (a | 0x20) == (b | 0x20);
        }

        return MemoryExtensions.Equals(new ReadOnlySpan<char>(in a), new ReadOnlySpan<char>(in b), StringComparison.OrdinalIgnoreCase);
    }
}
