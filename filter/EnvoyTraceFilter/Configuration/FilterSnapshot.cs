using EnvoyTraceFilter.Core.Analysis;
using EnvoyTraceFilter.Core.Headers;

namespace EnvoyTraceFilter.Configuration;

/// <summary>
/// One compiled, immutable configuration version. A stream takes the current snapshot when it starts and
/// keeps it to the end, so a reload never changes a request half-way.
/// </summary>
public sealed class FilterSnapshot
{
    public required RequestAnalyzer Analyzer { get; init; }

    public required FinishStreamAfter FinishAfter { get; init; }

    public required TimeSpan ErrorLogInterval { get; init; }

    /// <summary>TraceFilter:ExtProc:FirstMessageTimeout: a stream silent this long after opening is ended.</summary>
    public TimeSpan FirstMessageTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Literal tags added to every exported span (TraceFilter:SpanTags).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> SpanTags { get; init; }

    /// <summary>Lower-case request header name → tag key (TraceFilter:SpanHeaderTags); empty when none.</summary>
    public required System.Collections.Frozen.FrozenDictionary<string, string> SpanHeaderTags { get; init; }

    /// <summary>Envoy's limits on the request header map (TraceFilter:EnvoyLimits:MaxRequestHeaders*).</summary>
    public HeaderLimits RequestHeaderLimits { get; init; } = HeaderLimits.EnvoyDefault;

    /// <summary>Envoy's limits on the response header map (TraceFilter:EnvoyLimits:MaxResponseHeaders*).</summary>
    public HeaderLimits ResponseHeaderLimits { get; init; } = HeaderLimits.EnvoyDefault;
}
