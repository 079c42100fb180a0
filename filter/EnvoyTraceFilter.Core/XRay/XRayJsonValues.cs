using System.Globalization;
using System.Text.Json;
using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.XRay;

/// <summary>Value formatting for segment documents, allocation-free.</summary>
internal static class XRayJsonValues
{
    /// <summary>Cuts to at most <paramref name="max"/> chars without splitting a surrogate pair.</summary>
    public static ReadOnlySpan<char> Truncate(string value, int max)
    {
        if (value.Length <= max)
        {
            return value;
        }

        var cut = char.IsHighSurrogate(value[max - 1]) ? max - 1 : max;
        return value.AsSpan(0, cut);
    }

    public static void WriteSpanId(Utf8JsonWriter json, JsonEncodedText name, SpanId id)
    {
        Span<byte> hex = stackalloc byte[SpanId.HexLength];
        id.WriteHex(hex);
        json.WriteString(name, hex);
    }

    /// <summary>
    /// Epoch seconds with exactly six decimals, built from integer microseconds: a double would print
    /// 1700000000.1234560013 or round the last digit. Callers pass non-negative values.
    /// </summary>
    public static void WriteEpochSeconds(Utf8JsonWriter json, JsonEncodedText name, long micros)
    {
        Span<byte> text = stackalloc byte[32];
        (micros / 1_000_000).TryFormat(text, out var whole, default, CultureInfo.InvariantCulture);
        text[whole++] = (byte)'.';
        (micros % 1_000_000).TryFormat(text[whole..], out var fraction, "D6", CultureInfo.InvariantCulture);
        json.WritePropertyName(name);
        json.WriteRawValue(text[..(whole + fraction)], skipInputValidation: true);
    }
}
