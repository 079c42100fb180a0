using System.Globalization;

namespace EnvoyEmulator;

/// <summary>Envoy's HeaderUtility::headerNameIsValid / headerValueIsValid and the mutation checker's value checks.</summary>
internal static class HeaderValidation
{
    private const string TokenSymbols = "!#$%&'*+-.^_`|~";

    /// <summary>
    /// :-names use HTTP/2 rules (lower-case token after the colon); others HTTP/1 token rules, upper case
    /// allowed (Envoy lower-cases them afterwards).
    /// </summary>
    public static bool NameIsValid(string name)
    {
        if (name.StartsWith(':'))
        {
            var rest = name[1..];
            return rest.Length > 0 && rest.All(c => IsTokenChar(c) && !char.IsAsciiLetterUpper(c));
        }

        return name.Length > 0 && name.All(IsTokenChar);
    }

    /// <summary>
    /// Envoy 1.36's headerValueIsValid (quiche's HeaderValueIsValid): visible ASCII, space, HTAB and obs-text
    /// (bytes ≥ 0x80). Every other control byte, and DEL, is invalid, not just NUL/CR/LF.
    /// </summary>
    public static bool ValueIsValid(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if (!ValueByteIsValid(b))
            {
                return false;
            }
        }

        return true;
    }

    private static bool ValueByteIsValid(byte b) => b == (byte)'\t' || (b >= 0x20 && b != 0x7F);

    /// <summary>The mutation checker's checks on the values of a few special headers.</summary>
    public static bool SpecialValueIsValid(string lowerName, string value) => lowerName switch
    {
        ":authority" or "host" => value.Length > 0 && !value.Any(c => c is ' ' or '/' or '?' or '#' or '@' or '\t'),
        ":scheme" => value is "http" or "https",
        ":method" => value.Length > 0 && value.All(IsTokenChar),
        ":status" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            && s is >= 200 and <= 999,
        _ => true,
    };

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || TokenSymbols.Contains(c);
}
