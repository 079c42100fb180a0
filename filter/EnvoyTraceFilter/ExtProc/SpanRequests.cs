using System.Text;
using EnvoyTraceFilter.Core.Analysis;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Spans;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>Describes a sampled hop's request side from its request headers and the decision.</summary>
internal static class SpanRequests
{
    public static SpanRequest Create(in HeaderSet headers, RequestDecision decision, DateTimeOffset start,
        IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        var scheme = headers.Contains(KnownHeader.Scheme) ? Text(headers, KnownHeader.Scheme) : "http";
        var path = Text(headers, KnownHeader.Path);
        return new SpanRequest
        {
            ServiceName = decision.Service.Name,
            StartUnixMicros = ToUnixMicros(start),
            Method = Text(headers, KnownHeader.Method),
            Url = scheme + "://" + Text(headers, KnownHeader.Authority) + path,
            Path = path,
            ClientIp = decision.Client.Address,
            ClientIpFromForwardedFor = decision.Client.FromForwardedFor,
            UserAgent = headers.Contains(KnownHeader.UserAgent) ? Text(headers, KnownHeader.UserAgent) : null,
            Tags = tags,
        };
    }

    /// <summary>The configured literal tags plus the configured request headers that are present (first value wins).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Tags(Configuration.FilterSnapshot snapshot, Envoy.Config.Core.V3.HeaderMap? headers)
    {
        if (snapshot.SpanHeaderTags.Count == 0 || headers is null)
        {
            return snapshot.SpanTags;
        }

        var tags = new List<KeyValuePair<string, string>>(snapshot.SpanTags);
        foreach (var header in headers.Headers)
        {
            if (snapshot.SpanHeaderTags.TryGetValue(header.Key, out var tag) && !tags.Exists(t => t.Key == tag))
            {
                var value = header.RawValue.IsEmpty ? header.Value : Encoding.UTF8.GetString(header.RawValue.Span);
                tags.Add(KeyValuePair.Create(tag, value));
            }
        }

        return tags;
    }

    public static long ToUnixMicros(DateTimeOffset time) => (time.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;

    // Header bytes are decoded as UTF-8 with replacement: exporters escape whatever they receive.
    private static string Text(in HeaderSet headers, KnownHeader header) => Encoding.UTF8.GetString(headers.Get(header));
}
