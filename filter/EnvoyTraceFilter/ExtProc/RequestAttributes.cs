using Envoy.Service.ExtProc.V3;
using KindCase = Google.Protobuf.WellKnownTypes.Value.KindOneofCase;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>
/// The request attributes Envoy (≥1.30) sends when envoy.yaml lists them under request_attributes. They
/// arrive under a fixed key, whatever the filter's configured name.
/// </summary>
internal readonly record struct RequestAttributes(string? SourceAddress, DateTimeOffset? RequestTime)
{
    public const string Key = "envoy.filters.http.ext_proc";

    public static RequestAttributes Read(ProcessingRequest request)
    {
        if (request.Attributes.Count == 0 || !request.Attributes.TryGetValue(Key, out var attributes))
        {
            return default;
        }

        string? source = null;
        DateTimeOffset? time = null;
        if (attributes.Fields.TryGetValue("source.address", out var address) && address.KindCase == KindCase.StringValue)
        {
            source = address.StringValue;
        }

        if (attributes.Fields.TryGetValue("request.time", out var value) && value.KindCase == KindCase.StringValue
            && TryParseTime(value.StringValue, out var parsed))
        {
            time = parsed;
        }

        return new RequestAttributes(source, time);
    }

    /// <summary>
    /// RFC 3339 as Envoy prints a CEL timestamp (absl::FormatTime in UTC): nanoseconds with trailing zeros cut
    /// ("…05.123456789+00:00", "…05.1+00:00", "…05+00:00" on a whole second); "Z" and other offsets accepted
    /// too. The fraction is cut to .NET's 100 ns tick, never rounded (rounding could move it into the next
    /// second). A time without a zone is rejected rather than guessed.
    /// </summary>
    internal static bool TryParseTime(ReadOnlySpan<char> s, out DateTimeOffset time)
    {
        time = default;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':'
            || !Number(s[..4], out var year) || !Number(s.Slice(5, 2), out var month) || !Number(s.Slice(8, 2), out var day)
            || !Number(s.Slice(11, 2), out var hour) || !Number(s.Slice(14, 2), out var minute)
            || !Number(s.Slice(17, 2), out var second))
        {
            return false;
        }

        var rest = s[19..];
        long ticks = 0;
        if (rest[0] == '.')
        {
            var end = 1;
            while (end < rest.Length && char.IsAsciiDigit(rest[end]))
            {
                end++;
            }

            var digits = end - 1;
            if (digits is 0 or > 9)
            {
                return false;
            }

            for (var i = 0; i < 7; i++)
            {
                ticks = (ticks * 10) + (i < digits ? rest[1 + i] - '0' : 0);
            }

            rest = rest[end..];
        }

        TimeSpan offset;
        if (rest is "Z")
        {
            offset = TimeSpan.Zero;
        }
        else if (rest.Length == 6 && rest[0] is '+' or '-' && rest[3] == ':'
            && Number(rest.Slice(1, 2), out var offsetHours) && Number(rest.Slice(4, 2), out var offsetMinutes)
            && offsetHours <= 14 && offsetMinutes < 60)
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0) * (rest[0] == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var utcTicks = new DateTime(year, month, day, hour, minute, second).Ticks + ticks - offset.Ticks;
        if (utcTicks < 0 || utcTicks > DateTime.MaxValue.Ticks)
        {
            return false;
        }

        time = new DateTimeOffset(utcTicks, TimeSpan.Zero);
        return true;
    }

    private static bool Number(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
