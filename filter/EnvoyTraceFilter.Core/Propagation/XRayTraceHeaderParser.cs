using System.Numerics;

namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>
/// AWS <c>X-Amzn-Trace-Id</c> (X-Ray docs, "Tracing header"): <c>;</c>-separated <c>key=value</c> fields, e.g.
/// <c>Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1</c>. Keys are case-sensitive;
/// whitespace around fields, keys and values is trimmed because the AWS SDKs trim it too.
/// </summary>
public static class XRayTraceHeaderParser
{
    /// <summary>Size cap: ALB and Lambda append fields (<c>Self</c>, <c>Lineage</c>), but not without bound.</summary>
    public const int MaxLength = 2048;

    // Twice the most fields a MaxLength value can hold, rounded up to a power of two (8 KiB of stack at most).
    private const uint MaxKeySlots = 2048;

    private static ReadOnlySpan<byte> Whitespace => " \t"u8;

    public static bool TryParse(ReadOnlySpan<byte> value, out TraceContext context, out RejectReason reason)
    {
        context = default;
        if (value.Length > MaxLength)
        {
            return Fail(RejectReason.TooLong, out reason);
        }

        if (value.Trim(Whitespace).IsEmpty)
        {
            return Fail(RejectReason.Empty, out reason);
        }

        TraceId traceId = default;
        SpanId parent = default;
        var sampling = SamplingDecision.None;
        var requested = false;
        var seenRoot = false;

        // Keys seen so far, as (offset, length) pairs in a hash set sized to stay at most half full, so a header of
        // hundreds of tiny fields still costs linear time. A valid field takes >= 3 bytes ("k=;"): <= 683 of them.
        var fieldCount = value.Count((byte)';') + 1;
        Span<uint> keys = stackalloc uint[(int)Math.Min(BitOperations.RoundUpToPowerOf2((uint)fieldCount * 2), MaxKeySlots)];
        var pos = 0;
        while (pos < value.Length)
        {
            var field = NextField(value, ref pos, out var last);
            if (field.IsEmpty)
            {
                if (last)
                {
                    break; // "…;Sampled=1;" — a trailing ';' is common and harmless
                }

                return Fail(RejectReason.BadDelimiter, out reason);
            }

            if (!TrySplit(field, out var key, out var v))
            {
                return Fail(RejectReason.BadDelimiter, out reason);
            }

            // Other keys are opaque to us but forwarded, so a repeat of any key is ambiguous, not just ours.
            if (!TryAddKey(keys, value, key))
            {
                return Fail(RejectReason.Duplicate, out reason);
            }

            if (key.SequenceEqual("Root"u8))
            {
                seenRoot = true;
                if (!XRayTraceId.TryParse(v, out traceId, out reason))
                {
                    return false;
                }
            }
            else if (key.SequenceEqual("Parent"u8) && !Hex.TryParseSpanId(v, out parent, out reason))
            {
                return false;
            }
            else if (key.SequenceEqual("Sampled"u8) && !TryParseSampled(v, out sampling, out requested))
            {
                return Fail(RejectReason.BadSampling, out reason);
            }
        }

        if (!seenRoot)
        {
            return Fail(RejectReason.MissingField, out reason);
        }

        // Root without Parent is normal (an ALB starts the trace): the span id stays invalid.
        context = new TraceContext(traceId, parent, default, sampling, TraceFormat.XRay) { SamplingRequested = requested };
        reason = RejectReason.None;
        return true;
    }

    /// <summary>
    /// For a value <see cref="TryParse"/> accepted: writes every field other than Root/Parent/Sampled as
    /// <c>;key=value</c> (trimmed), in original order. <paramref name="destination"/> must hold value.Length + 1
    /// bytes: each field shrinks or keeps its size and gains at most the one ';' the first field lacked.
    /// </summary>
    public static int WriteExtraFields(ReadOnlySpan<byte> value, Span<byte> destination)
    {
        var written = 0;
        var pos = 0;
        while (pos < value.Length)
        {
            var field = NextField(value, ref pos, out _);
            if (!TrySplit(field, out var key, out var v)
                || key.SequenceEqual("Root"u8) || key.SequenceEqual("Parent"u8) || key.SequenceEqual("Sampled"u8))
            {
                continue;
            }

            destination[written++] = (byte)';';
            key.CopyTo(destination[written..]);
            written += key.Length;
            destination[written++] = (byte)'=';
            v.CopyTo(destination[written..]);
            written += v.Length;
        }

        return written;
    }

    // The trimmed field at pos; moves pos past the field's ';'. last: no ';' followed it.
    private static ReadOnlySpan<byte> NextField(ReadOnlySpan<byte> value, ref int pos, out bool last)
    {
        var rest = value[pos..];
        var semicolon = rest.IndexOf((byte)';');
        last = semicolon < 0;
        pos = last ? value.Length : pos + semicolon + 1;
        return (last ? rest : rest[..semicolon]).Trim(Whitespace);
    }

    // "key=value" split at the first '=' (values may contain '='); false when there is no '=' or no key.
    private static bool TrySplit(ReadOnlySpan<byte> field, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        var equals = field.IndexOf((byte)'=');
        key = equals < 0 ? default : field[..equals].Trim(Whitespace);
        value = equals < 0 ? default : field[(equals + 1)..].Trim(Whitespace);
        return !key.IsEmpty;
    }

    // Adds key (a slice of value) to the set; false when an equal key is already there. The hash is
    // HashCode's per-process random seed, so keys cannot be chosen to collide.
    private static bool TryAddKey(Span<uint> set, ReadOnlySpan<byte> value, ReadOnlySpan<byte> key)
    {
        value.Overlaps(key, out var offset);
        var hash = default(HashCode);
        hash.AddBytes(key);
        var mask = set.Length - 1;
        for (var i = hash.ToHashCode() & mask; ; i = (i + 1) & mask)
        {
            var entry = set[i];
            if (entry == 0)
            {
                set[i] = ((uint)offset << 16) | (uint)key.Length; // never 0: a key is not empty
                return true;
            }

            if (value.Slice((int)(entry >> 16), (int)(entry & 0xFFFF)).SequenceEqual(key))
            {
                return false;
            }
        }
    }

    // "1" / "0", or "?": the caller asks us to decide and report the decision back.
    private static bool TryParseSampled(ReadOnlySpan<byte> v, out SamplingDecision sampling, out bool requested)
    {
        requested = v.SequenceEqual("?"u8);
        sampling = v.SequenceEqual("1"u8) ? SamplingDecision.Sampled
            : v.SequenceEqual("0"u8) ? SamplingDecision.NotSampled
            : SamplingDecision.None;
        return requested || sampling != SamplingDecision.None;
    }

    private static bool Fail(RejectReason why, out RejectReason reason)
    {
        reason = why;
        return false;
    }
}
