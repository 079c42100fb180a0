namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>
/// An X-Ray style glob compiled once: <c>*</c> is any run of characters (also none), <c>?</c> is exactly one, every
/// other character is literal. It matches the WHOLE value (OpenTelemetry.Sampler.AWS once matched prefixes by mistake).
/// Case folding, when asked for, is ASCII-only: hosts (punycode) and methods (tokens) are ASCII.
/// </summary>
internal sealed class WildcardPattern
{
    private enum Kind : byte
    {
        Any,
        Literal,
        Glob,
    }

    private readonly string _pattern;
    private readonly bool _ignoreCase;
    private readonly Kind _kind;

    public WildcardPattern(string pattern, bool ignoreCase)
    {
        _pattern = pattern;
        _ignoreCase = ignoreCase;
        _kind = pattern.Length > 0 && pattern.AsSpan().IndexOfAnyExcept('*') < 0 ? Kind.Any
            : pattern.AsSpan().IndexOfAny('*', '?') < 0 ? Kind.Literal
            : Kind.Glob;
    }

    public string Pattern => _pattern;

    public bool IsMatch(ReadOnlySpan<char> text) => _kind switch
    {
        Kind.Any => true,
        Kind.Literal => _ignoreCase
            ? text.Length == _pattern.Length && AsciiEqualsIgnoreCase(text)
            : text.SequenceEqual(_pattern),
        _ => GlobMatch(_pattern, text, _ignoreCase),
    };

    private bool AsciiEqualsIgnoreCase(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!CharEquals(_pattern[i], text[i], ignoreCase: true))
            {
                return false;
            }
        }

        return true;
    }

    // Iterative glob with one backtrack point (the last '*'): O(pattern x text) worst case, no recursion, no allocation.
    private static bool GlobMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text, bool ignoreCase)
    {
        int p = 0, t = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
            }
            else if (p < pattern.Length && (pattern[p] == '?' || CharEquals(pattern[p], text[t], ignoreCase)))
            {
                p++;
                t++;
            }
            else if (starP >= 0)
            {
                // Let the last '*' swallow one more character and retry from there.
                p = starP + 1;
                t = ++starT;
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

    private static bool CharEquals(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.IsAsciiLetter(a) && (a | 0x20) == (b | 0x20));
}
