using System.Globalization;

namespace EnvoyEmulator;

/// <summary>
/// How Envoy prints a CEL timestamp attribute such as request.time (Filters::Common::Expr::print, 1.30–1.36):
/// absl::FormatTime in UTC, i.e. RFC 3339 "%Y-%m-%dT%H:%M:%E*S%Ez". The fraction has as many digits as the
/// nanoseconds need (trailing zeros cut, no '.' on a whole second) and the zone is "+00:00", not "Z".
/// (Not protobuf Timestamp JSON, which pads to 3/6/9 digits and ends in "Z".)
/// </summary>
internal static class EnvoyTimestamp
{
    public static string Format(DateTimeOffset time, int subTickNanoseconds)
    {
        if (subTickNanoseconds is < 0 or > 99)
        {
            throw new ArgumentOutOfRangeException(nameof(subTickNanoseconds), "0 to 99 ns below one 100 ns tick");
        }

        var utc = time.UtcDateTime;
        var nanos = (utc.Ticks % TimeSpan.TicksPerSecond * 100) + subTickNanoseconds;
        var seconds = utc.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var fraction = nanos == 0 ? "" : "." + nanos.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
        return seconds + fraction + "+00:00";
    }
}
