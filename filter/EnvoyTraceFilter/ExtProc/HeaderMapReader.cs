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

        foreach (var header in map.Headers)
        {
            if (!KnownHeaders.TryLookup(header.Key, out var known))
            {
                continue;
            }

            // Envoy ≥1.27 sends raw_value only; an older Envoy with the raw_value guard off sends value.
            var raw = header.RawValue;
            var value = !raw.IsEmpty
                ? raw.Memory
                : header.Value.Length > 0 ? Encoding.UTF8.GetBytes(header.Value) : ReadOnlyMemory<byte>.Empty;
            set.Add(known, value);
        }

        return set;
    }
}
