using System.Globalization;
using System.Text;

namespace EnvoyTraceFilter.Core.Naming;

/// <summary>What X-Ray and Zipkin accept as a service name.</summary>
public static class ServiceNames
{
    /// <summary>X-Ray segment names are at most 200 characters.</summary>
    public const int MaxLength = 200;

    private const string AllowedSymbols = "_.:/%&#=+\\-@";

    /// <summary>
    /// Makes <paramref name="name"/> a valid X-Ray segment name: each character that is not a Unicode letter, number,
    /// space separator (Zs) or one of <c>_ . : / % &amp; # = + \ - @</c> becomes <c>_</c> (one per code point, so a
    /// replaced surrogate pair is one <c>_</c>, as is a lone surrogate); then the result is cut to 200 UTF-16 units
    /// without splitting a pair. Returns the same instance when nothing changes. May return an empty string.
    /// </summary>
    public static string Sanitize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length <= MaxLength && IsValid(name))
        {
            return name;
        }

        var builder = new StringBuilder(Math.Min(name.Length, MaxLength));
        foreach (var rune in name.EnumerateRunes())
        {
            var replacement = IsAllowed(rune) ? rune : new Rune('_');
            if (builder.Length + replacement.Utf16SequenceLength > MaxLength)
            {
                break;
            }

            _ = builder.Append(replacement.ToString());
        }

        return builder.ToString();
    }

    /// <summary>Zipkin's convention: service names are lower case (invariant culture). Same instance when already lower.</summary>
    public static string ZipkinName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var lower = name.ToLowerInvariant();
        return string.Equals(lower, name, StringComparison.Ordinal) ? name : lower;
    }

    internal static bool IsAllowed(Rune rune) =>
        Rune.IsLetter(rune)
        || Rune.IsNumber(rune)
        || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator
        || (rune.IsAscii && AllowedSymbols.Contains((char)rune.Value, StringComparison.Ordinal));

    private static bool IsValid(string name)
    {
        foreach (var rune in name.EnumerateRunes())
        {
            // EnumerateRunes reports a lone surrogate as U+FFFD, which is not allowed, so it is caught here too.
            if (!IsAllowed(rune))
            {
                return false;
            }
        }

        return true;
    }
}
