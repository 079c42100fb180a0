using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.XRay;

/// <summary>X-Ray trace-id formatting and the epoch-window check.</summary>
public static class XRayTraceIds
{
    /// <summary>Length of <c>1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx</c>.</summary>
    public const int Length = 35;

    /// <summary>
    /// Oldest accepted epoch: 28 days. The OpenTelemetry collector's awsxray exporter used this age when it
    /// validated ids, a margin inside X-Ray's 30-day retention, so an id accepted now is not near the edge.
    /// </summary>
    public const long MaxAgeSeconds = 28L * 24 * 60 * 60;

    /// <summary>Newest accepted epoch: 5 minutes ahead, the same clock-skew allowance as that exporter.</summary>
    public const long MaxFutureSkewSeconds = 5L * 60;

    /// <summary>The epoch second X-Ray reads from the first 8 hex digits (the top 32 bits).</summary>
    public static long EpochSeconds(TraceId id) => (long)(id.High >> 32);

    /// <summary>
    /// True when X-Ray's daemon path will accept <paramref name="id"/>: valid, and its epoch lies in
    /// [now − <see cref="MaxAgeSeconds"/>, now + <see cref="MaxFutureSkewSeconds"/>], both ends inclusive.
    /// </summary>
    public static bool IsXRayCompatible(TraceId id, long nowUnixSeconds)
    {
        if (!id.IsValid)
        {
            return false;
        }

        var epoch = EpochSeconds(id);
        return epoch >= nowUnixSeconds - MaxAgeSeconds && epoch <= nowUnixSeconds + MaxFutureSkewSeconds;
    }

    /// <summary>Writes <c>1-{8 hex: first 32 bits}-{24 hex: remaining 96 bits}</c> as ASCII.</summary>
    public static void Write(TraceId id, Span<byte> destination)
    {
        Span<byte> hex = stackalloc byte[TraceId.HexLength];
        id.Write32Hex(hex);
        destination[0] = (byte)'1';
        destination[1] = (byte)'-';
        hex[..8].CopyTo(destination[2..]);
        destination[10] = (byte)'-';
        hex[8..].CopyTo(destination[11..]);
    }
}
