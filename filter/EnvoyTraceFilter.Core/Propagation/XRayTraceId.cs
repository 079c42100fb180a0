namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>
/// The X-Ray trace id (the <c>Root</c> value): <c>1-{8 hex epoch seconds}-{24 hex}</c>. Its 8 + 24 hex digits
/// are read as one 128-bit id, which is how X-Ray ids map to W3C/B3 ids and back.
/// </summary>
public static class XRayTraceId
{
    /// <summary>Length of a version-1 root.</summary>
    public const int RootLength = 35; // "1-" + 8 hex epoch + "-" + 24 hex

    private const int EpochStart = 2;
    private const int EpochLength = 8;
    private const int UniqueStart = EpochStart + EpochLength + 1;
    private const int UniqueLength = 24;

    /// <summary>"1-5759e988-bd862e3fe1be46a994272793" ⇒ High=0x5759e988bd862e3f, Low=0xe1be46a994272793.</summary>
    public static bool TryParse(ReadOnlySpan<byte> root, out TraceId traceId, out RejectReason reason)
    {
        traceId = default;

        // The version is what precedes the first '-'; only "1" exists. Checked before the length so a future
        // version with a different layout is counted as a version problem rather than a length one.
        var dash = root.IndexOf((byte)'-');
        if (dash >= 0 && !root[..dash].SequenceEqual("1"u8))
        {
            return Fail(RejectReason.BadVersion, out reason);
        }

        if (root.Length != RootLength)
        {
            return Fail(RejectReason.BadLength, out reason);
        }

        if (root[UniqueStart - 1] != (byte)'-')
        {
            return Fail(RejectReason.BadDelimiter, out reason);
        }

        if (!Hex.TryParseLowerUInt64(root.Slice(EpochStart, EpochLength), out var epoch)
            || !Hex.TryParseLowerUInt64(root.Slice(UniqueStart, 8), out var uniqueHigh)
            || !Hex.TryParseLowerUInt64(root.Slice(UniqueStart + 8, 16), out var low))
        {
            return Fail(RejectReason.BadCharacter, out reason);
        }

        var high = (epoch << 32) | uniqueHigh;
        if ((high | low) == 0)
        {
            return Fail(RejectReason.ZeroTraceId, out reason);
        }

        traceId = new TraceId(high, low);
        reason = RejectReason.None;
        return true;
    }

    /// <summary>
    /// Writes <see cref="RootLength"/> lower-case bytes; the inverse of <see cref="TryParse"/>. A 64-bit id is
    /// written in its 32-hex form (left-padded), so its "epoch" reads as 00000000.
    /// </summary>
    public static void Write(TraceId traceId, Span<byte> destination)
    {
        destination = destination[..RootLength]; // one bounds check up front
        Span<byte> hex = stackalloc byte[TraceId.HexLength];
        traceId.Write32Hex(hex);
        destination[0] = (byte)'1';
        destination[1] = (byte)'-';
        hex[..EpochLength].CopyTo(destination[EpochStart..]);
        destination[UniqueStart - 1] = (byte)'-';
        hex[EpochLength..].CopyTo(destination[UniqueStart..]);
    }

    private static bool Fail(RejectReason why, out RejectReason reason)
    {
        reason = why;
        return false;
    }
}
