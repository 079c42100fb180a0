using System.Buffers;
using System.Text;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Core.Analysis;

/// <summary>
/// The one entry point of the pure core: request headers in, a <see cref="RequestDecision"/> out. Holds only
/// immutable settings (and the sampler's thread-safe reservoirs), so one instance serves every stream of a
/// configuration version.
/// </summary>
public sealed class RequestAnalyzer(PropagationSettings propagation, Sampler sampler, IIdGenerator ids)
{
    // Header values longer than this are decoded through a pooled buffer instead of the stack.
    private const int StackChars = 512;

    public PropagationSettings Propagation => propagation;

    public RequestDecision Analyze(in HeaderSet headers, ISampledSpanMinter? minter = null)
    {
        var incoming = TraceContextExtractor.Extract(headers, propagation.Precedence);
        var context = incoming.Context;
        var translateOnly = propagation.Mode == PropagationMode.TranslateOnly;
        var traceId = context?.TraceId ?? (translateOnly ? default : ids.NewTraceId());
        var sampling = Decide(headers, incoming, traceId);
        var edits = new HeaderEdits(TraceHeaderWriter.Capacity(headers));

        OutgoingTrace? outgoing = null;
        if (translateOnly)
        {
            if (context is { } ctx)
            {
                outgoing = new OutgoingTrace(ctx.TraceId, ctx.SpanId, ctx.ParentSpanId, sampling.Sampled, sampling.Debug);
                // Valid formats stay byte-for-byte as received; only missing or malformed ones are filled in.
                TraceHeaderWriter.Write(outgoing.Value, headers, propagation.Outputs, incoming.Valid, keepXRayExtras: true, edits);
            }
        }
        else
        {
            var parent = context?.SpanId ?? default;
            var spanId = sampling.Sampled && minter is not null ? minter.Mint(traceId, parent, sampling.Debug) : ids.NewSpanId();
            outgoing = new OutgoingTrace(traceId, spanId, parent, sampling.Sampled, sampling.Debug);
            var keepExtras = incoming.Valid.Contains(TraceFormat.XRay);
            TraceHeaderWriter.Write(outgoing.Value, headers, propagation.Outputs, TraceFormatSet.Empty, keepExtras, edits);
        }

        return new RequestDecision { Incoming = incoming, Outgoing = outgoing, Edits = edits, Sampling = sampling };
    }

    private SamplingResult Decide(in HeaderSet headers, in IncomingTrace incoming, TraceId traceId)
    {
        var host = headers.Get(KnownHeader.Authority);
        var method = headers.Get(KnownHeader.Method);
        var path = headers.Get(KnownHeader.Path);
        var total = host.Length + method.Length + path.Length;
        char[]? rented = null;
        var chars = total <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(total));
        try
        {
            // Latin-1 maps each byte to one char: no allocation, and a non-ASCII byte can never match a
            // rule's ASCII pattern by accident.
            var hostChars = chars[..Encoding.Latin1.GetChars(host, chars)];
            var rest = chars[hostChars.Length..];
            var methodChars = rest[..Encoding.Latin1.GetChars(method, rest)];
            rest = rest[methodChars.Length..];
            var pathChars = rest[..Encoding.Latin1.GetChars(path, rest)];
            return sampler.Decide(new SamplingInput
            {
                Incoming = incoming.Sampling,
                SamplingRequested = incoming.SamplingRequested,
                TraceId = traceId,
                Host = hostChars,
                Method = methodChars,
                Path = pathChars,
            });
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }
}
