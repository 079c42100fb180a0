using System.Collections.Frozen;
using System.Text;

namespace EnvoyTraceFilter.Core.Headers;

/// <summary>Lower-case wire names of <see cref="KnownHeader"/> and a lookup from wire bytes.</summary>
public static class KnownHeaders
{
    public const int Count = (int)KnownHeader.XCloudTraceContext + 1;

    private static readonly string[] NameStrings =
    [
        ":authority", ":path", ":method", ":scheme", ":status", "user-agent", "content-length",
        "x-forwarded-for", "x-envoy-external-address",
        "b3", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags",
        "traceparent", "tracestate", "x-amzn-trace-id", "x-cloud-trace-context",
    ];

    private static readonly FrozenDictionary<string, KnownHeader> ByName = NameStrings
        .Select((name, i) => KeyValuePair.Create(name, (KnownHeader)i))
        .ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly byte[][] NameBytes = NameStrings.Select(Encoding.ASCII.GetBytes).ToArray();

    public static string Name(KnownHeader header) => NameStrings[(int)header];

    public static ReadOnlySpan<byte> NameUtf8(KnownHeader header) => NameBytes[(int)header];

    /// <summary>
    /// Maps a header name to a known header. Envoy sends lower-case names; other callers may not, so the
    /// comparison ignores ASCII case. Dispatch on length first keeps the common miss cheap.
    /// </summary>
    public static bool TryLookup(ReadOnlySpan<byte> name, out KnownHeader header)
    {
        for (var i = 0; i < NameBytes.Length; i++)
        {
            var candidate = NameBytes[i];
            if (candidate.Length == name.Length && Ascii.EqualsIgnoreCase(candidate, name))
            {
                header = (KnownHeader)i;
                return true;
            }
        }

        header = default;
        return false;
    }

    public static bool TryLookup(string name, out KnownHeader header) => ByName.TryGetValue(name, out header);
}
