using System.Text;
using Envoy.Config.Core.V3;
using EnvoyTraceFilter.Core.Headers;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>Picks the known headers out of an Envoy HeaderMap as slices of the message's bytes.</summary>
internal static class HeaderMapReader
{
    public static HeaderSet Read(HeaderMap? map)
    {
        var set = new HeaderSet();
        if (map is null)
        {
            return set;
        }

        // Repeated x-forwarded-for lines are joined once at the end: joining line by line would copy the growing
        // value again for every line (quadratic in the number of lines a client sends).
        List<ReadOnlyMemory<byte>>? moreForwardedFor = null;
        // An index loop: RepeatedField's enumerator is a heap-allocated iterator.
        var all = map.Headers;
        for (var i = 0; i < all.Count; i++)
        {
            var header = all[i];
            if (!KnownHeaders.TryLookup(header.Key, out var known))
            {
                continue;
            }

            if (known == KnownHeader.XForwardedFor && set.Contains(KnownHeader.XForwardedFor))
            {
                (moreForwardedFor ??= []).Add(ValueOf(header));
                continue;
            }

            set.Add(known, ValueOf(header));
        }

        if (moreForwardedFor is not null)
        {
            set.Add(KnownHeader.XForwardedFor, Join(moreForwardedFor));
        }

        return set;
    }

    // Envoy ≥1.27 sends raw_value only; an older Envoy with the raw_value guard off sends value.
    private static ReadOnlyMemory<byte> ValueOf(HeaderValue header) =>
        !header.RawValue.IsEmpty
            ? header.RawValue.Memory
            : header.Value.Length > 0 ? Encoding.UTF8.GetBytes(header.Value) : ReadOnlyMemory<byte>.Empty;

    /// <summary>The values joined with ", " (as <see cref="HeaderSet"/> joins two), in one allocation.</summary>
    private static byte[] Join(List<ReadOnlyMemory<byte>> values)
    {
        var length = (values.Count - 1) * 2;
        foreach (var value in values)
        {
            length += value.Length;
        }

        var joined = new byte[length];
        var at = 0;
        foreach (var value in values)
        {
            if (at > 0)
            {
                joined[at++] = (byte)',';
                joined[at++] = (byte)' ';
            }

            value.Span.CopyTo(joined.AsSpan(at));
            at += value.Length;
        }

        return joined;
    }
}
