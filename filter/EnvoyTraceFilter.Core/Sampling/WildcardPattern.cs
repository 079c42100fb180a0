using EnvoyTraceFilter.Core.Matching;

namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>
/// An X-Ray style glob compiled once: <c>*</c> is any run of characters (also none), <c>?</c> is exactly one, every
/// other character is literal. It matches the WHOLE value (OpenTelemetry.Sampler.AWS once matched prefixes by mistake).
/// Case folding, when asked for, is ASCII-only: hosts (punycode) and methods (tokens) are ASCII, paths are read byte for byte.
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
        _ => Glob.IsMatch(_pattern, text, _ignoreCase ? GlobCase.AsciiInsensitive : GlobCase.Sensitive),
    };

    private bool AsciiEqualsIgnoreCase(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (!Glob.CharEquals(_pattern[i], text[i], GlobCase.AsciiInsensitive))
            {
                return false;
            }
        }

        return true;
    }
}
