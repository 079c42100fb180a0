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
    // Enum.ToString() boxes on every call; these are looked up by value instead.
    private static readonly string[] FallbackNames = Enum.GetNames<ServiceNameFallbackReason>();
    private static readonly string[] ForwardedForNames = Enum.GetNames<ForwardedForRejectReason>();
    private static readonly string[] DecisionNames = Enum.GetNames<SamplingDecision>();

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
    private readonly UpDownCounter<long> _activeStreams;
    private readonly Counter<long> _aged;
    private readonly Counter<long> _rejectedConnections;
    private readonly Histogram<double> _processing;

    // Message handling takes microseconds; the upper buckets catch GC pauses and a starved thread pool.
    internal static readonly double[] ProcessingBuckets =
        [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

    // Boxed once: recording a phase allocates nothing.
    private static readonly KeyValuePair<string, object?> RequestHeadersPhase = new("phase", "request_headers");
    private static readonly KeyValuePair<string, object?> ResponseHeadersPhase = new("phase", "response_headers");

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
        _activeStreams = _meter.CreateUpDownCounter<long>("tracefilter.extproc.active_streams", "{stream}", "ext_proc streams open now.");
        _rejectedConnections = _meter.CreateCounter<long>("tracefilter.extproc.connections.rejected", "{connection}", "ext_proc connections closed as soon as accepted because MaxConnections were already open.");
        _aged = _meter.CreateCounter<long>("tracefilter.extproc.connections.aged", "{connection}", "ext_proc connections asked to close (GOAWAY) because they reached MaxConnectionAge, by what carried the request (stream, idle).");
        _processing = _meter.CreateHistogram<double>("tracefilter.extproc.processing.duration", "s",
            "Time to answer one ext_proc message, by phase (request_headers, response_headers); excludes network and Envoy.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ProcessingBuckets });
    }

    public void RequestProcessed(bool sampled) => _requests.Add(1, new KeyValuePair<string, object?>("sampled", sampled ? "true" : "false"));

    public void HeaderRejected(TraceFormat format, RejectReason reason) =>
        _rejected.Add(1, new("format", FormatNames[(int)format]), new("reason", ReasonNames[(int)reason]));

    public void HandlerError(string phase) => _errors.Add(1, new KeyValuePair<string, object?>("phase", phase));

    public void ProtocolViolation(string kind) => _violations.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void StreamEnded(string how) => _streams.Add(1, new KeyValuePair<string, object?>("end", how));

    public void ConfigReloaded(bool applied) => _reloads.Add(1, new KeyValuePair<string, object?>("result", applied ? "applied" : "rejected"));

    public void ServiceNameFallback(ServiceNameFallbackReason reason) =>
        _fallbacks.Add(1, new KeyValuePair<string, object?>("reason", FallbackNames[(int)reason]));

    public void ForwardedForRejected(ForwardedForRejectReason reason) =>
        _xffRejected.Add(1, new KeyValuePair<string, object?>("reason", ForwardedForNames[(int)reason]));

    /// <param name="field">A known header name (":path", "user-agent", …) or "header_tag": a fixed, small set.</param>
    public void SpanFieldTruncated(string field) => _truncated.Add(1, new KeyValuePair<string, object?>("field", field));

    public void IncomingSamplingIgnored(SamplingDecision decision) =>
        _ignoredSampling.Add(1, new KeyValuePair<string, object?>("decision", DecisionNames[(int)decision]));

    public void OutputDropped(OutputGroup output, bool invalidValue, string phase) =>
        _outputsDropped.Add(1, new("output", OutputGroups.TagName(output)),
            new("reason", invalidValue ? "invalid_value" : "header_limit"), new("phase", phase));

    public void MutationWithheld(string phase) => _mutationsWithheld.Add(1, new KeyValuePair<string, object?>("phase", phase));
    /// <summary>A connection reached MaxConnectionAge and was asked to close; <paramref name="how"/> is "stream" or "idle".</summary>
    public void ConnectionRejected() => _rejectedConnections.Add(1);

    public void ConnectionAged(string how) => _aged.Add(1, new KeyValuePair<string, object?>("close", how));

    public void StreamOpened() => _activeStreams.Add(1);

    public void StreamClosed() => _activeStreams.Add(-1);

    /// <summary>Records the time spent answering a headers message; other phases are pass-through and not recorded.</summary>
    public void MessageProcessed(bool requestHeaders, TimeSpan elapsed) =>
        _processing.Record(elapsed.TotalSeconds, requestHeaders ? RequestHeadersPhase : ResponseHeadersPhase);
}
