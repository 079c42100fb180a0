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

        // Repeated x-forwarded-for and tracestate lines are joined by HeaderSet, in linear time.
        // An index loop: RepeatedField's enumerator is a heap-allocated iterator.
        var all = map.Headers;
        for (var i = 0; i < all.Count; i++)
        {
            var header = all[i];
            if (!KnownHeaders.TryLookup(header.Key, out var known))
            {
                continue;
            }

            set.Add(known, ValueOf(header));
        }

        return set;
    }

    // Envoy ≥1.27 sends raw_value only; an older Envoy with the raw_value guard off sends value.
    private static ReadOnlyMemory<byte> ValueOf(HeaderValue header) =>
        !header.RawValue.IsEmpty
            ? header.RawValue.Memory
            : header.Value.Length > 0 ? Encoding.UTF8.GetBytes(header.Value) : ReadOnlyMemory<byte>.Empty;
}
