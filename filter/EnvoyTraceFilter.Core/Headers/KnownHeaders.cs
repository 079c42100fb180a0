using System.Collections.Frozen;

namespace EnvoyTraceFilter.Core.Headers;

/// <summary>Lower-case wire names of <see cref="KnownHeader"/> and a lookup by name.</summary>
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

    // Envoy sends lower-case names; other callers may not, so the lookup ignores case.
    private static readonly FrozenDictionary<string, KnownHeader> ByName = NameStrings
        .Select((name, i) => KeyValuePair.Create(name, (KnownHeader)i))
        .ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static string Name(KnownHeader header) => NameStrings[(int)header];

    public static bool TryLookup(string name, out KnownHeader header) => ByName.TryGetValue(name, out header);
}
