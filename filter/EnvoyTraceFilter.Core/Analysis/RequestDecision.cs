using EnvoyTraceFilter.Core.ClientIdentity;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Naming;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Sampling;
using EnvoyTraceFilter.Core.Spans;

namespace EnvoyTraceFilter.Core.Analysis;

/// <summary>Everything decided about one request from its request headers: header edits plus what the span needs.</summary>
public sealed class RequestDecision
{
    public required IncomingTrace Incoming { get; init; }

    /// <summary>Null when nothing is written (translate-only without a valid incoming context).</summary>
    public OutgoingTrace? Outgoing { get; init; }

    public required HeaderEdits Edits { get; init; }

    /// <summary>Edits of the response headers (X-Ray <c>Sampled=?</c> answered); <see cref="HeaderEdits.Empty"/> when none.</summary>
    public HeaderEdits ResponseEdits { get; init; } = HeaderEdits.Empty;

    public required SamplingResult Sampling { get; init; }

    public required ClientAddress Client { get; init; }

    public required ServiceNameResult Service { get; init; }

    /// <summary>The span of a sampled hop, started by the analyzer's span source; null otherwise.</summary>
    public HopSpan? Span { get; init; }

    public bool Sampled => Sampling.Sampled;
}
