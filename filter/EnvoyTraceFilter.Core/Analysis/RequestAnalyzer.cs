using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Analysis;

/// <summary>
/// The one entry point of the pure core: request headers (and Envoy's attributes) in, a <see cref="RequestDecision"/> out.
/// Stateless apart from its immutable settings, so one instance serves every stream of a configuration version.
/// </summary>
public sealed class RequestAnalyzer(PropagationSettings propagation, IIdGenerator ids, bool fixedSampled)
{
    public PropagationSettings Propagation => propagation;

    public RequestDecision Analyze(in HeaderSet headers)
    {
        var incoming = TraceContextExtractor.Extract(headers, propagation.Precedence);
        var edits = new HeaderEdits(TraceHeaderWriter.Capacity(headers));
        var (sampled, debug) = Decide(incoming);

        OutgoingTrace? outgoing;
        if (propagation.Mode == PropagationMode.TranslateOnly)
        {
            outgoing = incoming.Context is { } ctx
                ? new OutgoingTrace(ctx.TraceId, ctx.SpanId, ctx.ParentSpanId, sampled, debug)
                : null;
            if (outgoing is { } o)
            {
                // Valid formats stay byte-for-byte as received; only missing or malformed ones are filled in.
                TraceHeaderWriter.Write(o, headers, propagation.Outputs, incoming.Valid, keepXRayExtras: true, edits);
            }
        }
        else
        {
            var ctx = incoming.Context;
            var traceId = ctx?.TraceId ?? ids.NewTraceId();
            var parent = ctx?.SpanId ?? default;
            var o = new OutgoingTrace(traceId, ids.NewSpanId(), parent, sampled, debug);
            outgoing = o;
            var keepExtras = incoming.Valid.Contains(TraceFormat.XRay);
            TraceHeaderWriter.Write(o, headers, propagation.Outputs, TraceFormatSet.Empty, keepExtras, edits);
        }

        return new RequestDecision { Incoming = incoming, Outgoing = outgoing, Edits = edits };
    }

    private (bool Sampled, bool Debug) Decide(in IncomingTrace incoming) => incoming.Sampling switch
    {
        SamplingDecision.Debug => (true, true),
        SamplingDecision.Sampled => (true, false),
        SamplingDecision.NotSampled => (false, false),
        _ => (fixedSampled, false),
    };
}
