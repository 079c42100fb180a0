using System.Text;
using EnvoyTraceFilter.Core.Analysis;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Spans;
using EnvoyTraceFilter.Telemetry;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>
/// Describes a sampled hop's request side from its request headers and the decision. Every string copied from
/// the request is bounded (<see cref="SpanText"/>) and each cut is counted.
/// </summary>
internal static class SpanRequests
{
    public static SpanRequest Create(in HeaderSet headers, RequestDecision decision, DateTimeOffset start,
        IReadOnlyList<KeyValuePair<string, string>> tags, FilterMetrics metrics)
    {
        var scheme = headers.Contains(KnownHeader.Scheme) ? Text(headers, KnownHeader.Scheme, SpanText.MaxSchemeBytes, metrics) : "http";
        var path = Text(headers, KnownHeader.Path, SpanText.MaxPathBytes, metrics);
        return new SpanRequest
        {
            ServiceName = decision.Service.Name,
            StartUnixMicros = ToUnixMicros(start),
            Method = Text(headers, KnownHeader.Method, SpanText.MaxMethodBytes, metrics),
            Url = scheme + "://" + Text(headers, KnownHeader.Authority, SpanText.MaxAuthorityBytes, metrics) + path,
            Path = path,
            ClientIp = decision.Client.Address,
            ClientIpFromForwardedFor = decision.Client.FromForwardedFor,
            UserAgent = headers.Contains(KnownHeader.UserAgent) ? Text(headers, KnownHeader.UserAgent, SpanText.MaxUserAgentBytes, metrics) : null,
            Tags = tags,
        };
    }

    /// <summary>The configured literal tags plus the configured request headers that are present (first value wins).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Tags(Configuration.FilterSnapshot snapshot, Envoy.Config.Core.V3.HeaderMap? headers,
        FilterMetrics metrics)
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
                var bytes = header.RawValue.IsEmpty ? Encoding.UTF8.GetBytes(header.Value) : header.RawValue.Span;
                var value = SpanText.Decode(bytes, SpanText.MaxHeaderTagBytes, out var truncated);
                if (truncated)
                {
                    metrics.SpanFieldTruncated("header_tag");
                }

                tags.Add(KeyValuePair.Create(tag, value));
            }
        }

        return tags;
    }

    public static long ToUnixMicros(DateTimeOffset time) => (time.UtcTicks - DateTime.UnixEpoch.Ticks) / 10;

    // Header bytes are decoded as UTF-8 with replacement: exporters escape whatever they receive.
    private static string Text(in HeaderSet headers, KnownHeader header, int maxBytes, FilterMetrics metrics)
    {
        var text = SpanText.Decode(headers.Get(header), maxBytes, out var truncated);
        if (truncated)
        {
            metrics.SpanFieldTruncated(KnownHeaders.Name(header));
        }

        return text;
    }
}
