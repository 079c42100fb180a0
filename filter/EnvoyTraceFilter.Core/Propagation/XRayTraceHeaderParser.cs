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

    /// <summary>Most bytes of extra fields (<c>;key=value</c> each) written back; ALB's Self and Lambda's Lineage fit easily.</summary>
    public const int MaxExtraFieldsLength = 256;

    // Twice the most fields a MaxLength value can hold, rounded up to a power of two (8 KiB of stack at most).
    private const uint MaxKeySlots = 2048;

    private static ReadOnlySpan<byte> Whitespace => " \t"u8;

    public static bool TryParse(ReadOnlySpan<byte> value, out TraceContext context, out RejectReason reason) =>
        Scan(value, default, out context, out reason, out _);

    /// <summary>
    /// For a value <see cref="TryParse"/> accepted: writes the extra fields (all but Root/Parent/Sampled) that are
    /// safe to send on, as <c>;key=value</c> (trimmed), in original order. Safe: key and value are visible ASCII
    /// without ';' or '=' (Envoy answers a control byte in a mutation with a 500), the key is the first of its
    /// name, and the total stays within <see cref="MaxExtraFieldsLength"/>. Everything else is left out and was
    /// counted by <see cref="TryParse"/> (<see cref="TraceContext.Ignored"/>). <paramref name="destination"/> must
    /// hold value.Length + 1 bytes: each field shrinks or keeps its size and gains at most the one ';' the first
    /// field lacked.
    /// </summary>
    public static int WriteExtraFields(ReadOnlySpan<byte> value, Span<byte> destination)
    {
        Scan(value, destination, out _, out _, out var written);
        return written;
    }

    // One pass for both reading and echoing, so what is counted as left out is exactly what is not written.
    // extras: where to write the echoed fields; empty to only measure them.
    private static bool Scan(ReadOnlySpan<byte> value, Span<byte> extras, out TraceContext context, out RejectReason reason, out int extrasLength)
    {
        context = default;
        extrasLength = 0;
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
        var ignored = default(RejectReasonSet);

        // Keys seen so far, as (offset, length) pairs in a hash set sized to stay at most half full, so a header of
        // hundreds of tiny fields still costs linear time. A valid field takes >= 3 bytes ("k=;"): <= 683 of them.
        var fieldCount = value.Count((byte)';') + 1;
        Span<uint> keys = stackalloc uint[(int)Math.Min(BitOperations.RoundUpToPowerOf2((uint)fieldCount * 2), MaxKeySlots)];
        var pos = 0;
        while (pos < value.Length)
        {
            var field = NextField(value, ref pos, out var last);
            if (field.IsEmpty && last)
            {
                break; // "…;Sampled=1;" — a trailing ';' is common and harmless
            }

            // An empty field, no '=' or no key: the SDKs skip such a field and use the rest; so do we (counted).
            if (!TrySplit(field, out var key, out var v))
            {
                ignored = ignored.With(RejectReason.FieldIgnored);
                continue;
            }

            var isRoot = key.SequenceEqual("Root"u8);
            var isParent = !isRoot && key.SequenceEqual("Parent"u8);
            var isSampled = !isRoot && !isParent && key.SequenceEqual("Sampled"u8);
            if (!TryAddKey(keys, value, key))
            {
                // Two Roots (or Parents, Sampleds) are ambiguous; a repeated extra key keeps its first value.
                if (isRoot || isParent || isSampled)
                {
                    return Fail(RejectReason.Duplicate, out reason);
                }

                ignored = ignored.With(RejectReason.Repeated);
                continue;
            }

            if (isRoot)
            {
                seenRoot = true;
                if (!XRayTraceId.TryParse(v, out traceId, out reason))
                {
                    return false;
                }
            }
            else if (isParent)
            {
                if (!Hex.TryParseSpanId(v, out parent, out reason))
                {
                    return false;
                }
            }
            else if (isSampled)
            {
                if (!TryParseSampled(v, out sampling, out requested))
                {
                    return Fail(RejectReason.BadSampling, out reason);
                }
            }
            else if (!IsEchoSafe(key) || !IsEchoSafe(v) || extrasLength + 2 + key.Length + v.Length > MaxExtraFieldsLength)
            {
                ignored = ignored.With(RejectReason.FieldIgnored);
            }
            else
            {
                if (!extras.IsEmpty)
                {
                    var to = extras[extrasLength..];
                    to[0] = (byte)';';
                    key.CopyTo(to[1..]);
                    to[1 + key.Length] = (byte)'=';
                    v.CopyTo(to[(2 + key.Length)..]);
                }

                extrasLength += 2 + key.Length + v.Length;
            }
        }

        if (!seenRoot)
        {
            return Fail(RejectReason.MissingField, out reason);
        }

        // Root without Parent is normal (an ALB starts the trace): the span id stays invalid.
        context = new TraceContext(traceId, parent, default, sampling, TraceFormat.XRay) { SamplingRequested = requested, Ignored = ignored };
        reason = RejectReason.None;
        return true;
    }

    // Visible ASCII without the header's own delimiters: safe in an Envoy mutation and unambiguous to re-read.
    private static bool IsEchoSafe(ReadOnlySpan<byte> token) =>
        !token.ContainsAnyExceptInRange((byte)0x21, (byte)0x7E) && !token.ContainsAny((byte)';', (byte)'=');

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
