using System.Diagnostics.Metrics;
using EnvoyTraceFilter.Core.ClientIdentity;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Naming;
using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Telemetry;

/// <summary>
/// The filter's counters, on the Meter "EnvoyTraceFilter" (read with dotnet-counters or any OpenTelemetry
/// metrics exporter). Tag values are fixed enum names, so cardinality is bounded.
/// </summary>
public sealed class FilterMetrics
{
    public const string MeterName = "EnvoyTraceFilter";

    private static readonly string[] FormatNames = Enum.GetNames<TraceFormat>();
    private static readonly string[] ReasonNames = Enum.GetNames<RejectReason>();

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _violations;
    private readonly Counter<long> _streams;
    private readonly Counter<long> _reloads;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _xffRejected;
    private readonly Counter<long> _ignoredSampling;
    private readonly Counter<long> _truncated;
    private readonly Counter<long> _outputsDropped;
    private readonly Counter<long> _mutationsWithheld;

    public FilterMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _requests = _meter.CreateCounter<long>("tracefilter.requests", description: "Requests whose headers were processed, by sampling decision.");
        _rejected = _meter.CreateCounter<long>("tracefilter.trace_headers.rejected", description: "Incoming trace headers (or parts of them: reasons Repeated, FieldIgnored) ignored as malformed, by format and reason.");
        _errors = _meter.CreateCounter<long>("tracefilter.extproc.errors", description: "Exceptions while handling a message; the request passed unmodified.");
        _violations = _meter.CreateCounter<long>("tracefilter.extproc.protocol_violations", description: "Streams ended with a gRPC error because the client broke the ext_proc protocol.");
        _streams = _meter.CreateCounter<long>("tracefilter.extproc.streams", description: "ext_proc streams by how they ended.");
        _reloads = _meter.CreateCounter<long>("tracefilter.config.reloads", description: "Configuration reloads, applied or rejected.");
        _fallbacks = _meter.CreateCounter<long>("tracefilter.naming.fallbacks", description: "Requests named with the fallback name, by reason (NoHost, NoMatch, ForgedHost, CardinalityLimit).");
        _xffRejected = _meter.CreateCounter<long>("tracefilter.client.forwarded_for.rejected", description: "X-Forwarded-For headers ignored or cut short, by reason.");
        _ignoredSampling = _meter.CreateCounter<long>("tracefilter.sampling.incoming_ignored", description: "Incoming sampling decisions ignored by TrustIncoming (forced-sampling attempts).");
        _truncated = _meter.CreateCounter<long>("tracefilter.spans.truncated", description: "Request values cut to their bound before they went into a span, by field.");
        _outputsDropped = _meter.CreateCounter<long>("tracefilter.mutation.outputs_dropped", description: "Output header groups not written because Envoy would refuse the mutation, by output, reason (header_limit, invalid_value) and phase.");
        _mutationsWithheld = _meter.CreateCounter<long>("tracefilter.mutation.withheld", description: "Answers sent without any header mutation because not even the minimum fitted Envoy's limits, by phase.");
    }

    public void RequestProcessed(bool sampled) => _requests.Add(1, new KeyValuePair<string, object?>("sampled", sampled ? "true" : "false"));

    public void HeaderRejected(TraceFormat format, RejectReason reason) =>
        _rejected.Add(1, new("format", FormatNames[(int)format]), new("reason", ReasonNames[(int)reason]));

    public void HandlerError(string phase) => _errors.Add(1, new KeyValuePair<string, object?>("phase", phase));

    public void ProtocolViolation(string kind) => _violations.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void StreamEnded(string how) => _streams.Add(1, new KeyValuePair<string, object?>("end", how));

    public void ConfigReloaded(bool applied) => _reloads.Add(1, new KeyValuePair<string, object?>("result", applied ? "applied" : "rejected"));

    public void ServiceNameFallback(ServiceNameFallbackReason reason) =>
        _fallbacks.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));

    public void ForwardedForRejected(ForwardedForRejectReason reason) =>
        _xffRejected.Add(1, new KeyValuePair<string, object?>("reason", reason.ToString()));

    /// <param name="field">A known header name (":path", "user-agent", …) or "header_tag": a fixed, small set.</param>
    public void SpanFieldTruncated(string field) => _truncated.Add(1, new KeyValuePair<string, object?>("field", field));

    public void IncomingSamplingIgnored(SamplingDecision decision) =>
        _ignoredSampling.Add(1, new KeyValuePair<string, object?>("decision", decision.ToString()));

    public void OutputDropped(OutputGroup output, bool invalidValue, string phase) =>
        _outputsDropped.Add(1, new("output", OutputGroups.TagName(output)),
            new("reason", invalidValue ? "invalid_value" : "header_limit"), new("phase", phase));

    public void MutationWithheld(string phase) => _mutationsWithheld.Add(1, new KeyValuePair<string, object?>("phase", phase));
}
