using System.Buffers;
using System.Text;
using EnvoyTraceFilter.Core.ClientIdentity;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Naming;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Sampling;
using EnvoyTraceFilter.Core.Spans;

namespace EnvoyTraceFilter.Core.Analysis;

/// <summary>
/// The one entry point of the pure core: request headers in, a <see cref="RequestDecision"/> out. Holds only
/// immutable settings (and the sampler's thread-safe reservoirs), so one instance serves every stream of a
/// configuration version.
/// </summary>
public sealed class RequestAnalyzer(
    PropagationSettings propagation,
    Sampler sampler,
    ClientAddressResolver clients,
    ServiceNamer namer,
    IIdGenerator ids,
    AppHeaders? appHeaders = null)
{
    private readonly AppHeaders _appHeaders = appHeaders ?? AppHeaders.None;

    // Header values longer than this are decoded through a pooled buffer instead of the stack.
    private const int StackChars = 512;

    public PropagationSettings Propagation => propagation;

    /// <param name="headers">The request headers.</param>
    /// <param name="sourceAddress">Envoy's source.address attribute ("ip:port"), empty when not sent.</param>
    /// <param name="spans">Starts the span of a sampled hop (and owns its id); null when no exporter wants spans.</param>
    public RequestDecision Analyze(in HeaderSet headers, ReadOnlySpan<char> sourceAddress = default, IHopSpanSource? spans = null)
    {
        var client = clients.Resolve(sourceAddress, headers.Get(KnownHeader.XForwardedFor), headers.Get(KnownHeader.XEnvoyExternalAddress));
        var service = namer.Resolve(headers.Get(KnownHeader.Authority));
        var incoming = TraceContextExtractor.Extract(headers, propagation.Precedence);
        var context = incoming.Context;
        var translateOnly = propagation.Mode == PropagationMode.TranslateOnly;
        var traceId = context?.TraceId ?? (translateOnly ? default : ids.NewTraceId());
        var sampling = Decide(headers, incoming, traceId);
        var edits = new HeaderEdits(TraceHeaderWriter.Capacity(headers, propagation.Outputs));

        // Extra X-Ray fields are only ever taken from a header that was accepted: a rejected one contributes nothing.
        var keepExtras = incoming.Valid.Contains(TraceFormat.XRay);
        var responseEdits = HeaderEdits.Empty;
        OutgoingTrace? outgoing = null;
        HopSpan? span = null;
        if (translateOnly)
        {
            if (context is { } ctx)
            {
                // Not a hop: the decision written is the incoming one, or none; never one made up here.
                var undecided = incoming.Sampling == SamplingDecision.None;
                outgoing = new OutgoingTrace(ctx.TraceId, ctx.SpanId, ctx.ParentSpanId, !undecided && sampling.Sampled, !undecided && sampling.Debug)
                {
                    Undecided = undecided,
                    RandomTraceId = ctx.RandomTraceId,
                };

                // Formats that arrived valid with ids stay byte-for-byte as received; only missing or malformed ones
                // (and a B3 that carried a decision but no ids) are filled in.
                TraceHeaderWriter.Write(outgoing.Value, headers, propagation.Outputs, incoming.WithIds, keepExtras, edits);
            }
        }
        else
        {
            var parent = context?.SpanId ?? default;
            // Only a hop has a span of its own: translate-only output belongs to whoever minted the incoming id.
            span = sampling.Sampled ? spans?.Start(traceId, parent, sampling.Debug) : null;
            var spanId = span?.SpanId ?? ids.NewSpanId();
            outgoing = new OutgoingTrace(traceId, spanId, parent, sampling.Sampled, sampling.Debug)
            {
                RandomTraceId = context is { RandomTraceId: true },
            };
            TraceHeaderWriter.Write(outgoing.Value, headers, propagation.Outputs, TraceFormatSet.Empty, keepExtras, edits);

            // X-Ray Sampled=?: the caller asked for our decision; every X-Ray SDK answers it in the response.
            if (incoming.SamplingRequested)
            {
                responseEdits = new HeaderEdits(XRayResponseHeader.Length);
                XRayResponseHeader.Write(traceId, sampling.Sampled, responseEdits);
            }
        }

        if (_appHeaders.ClientAddress is { } clientHeader && client.Address is { } address)
        {
            edits.Set(clientHeader, address);
        }

        if (_appHeaders.ServiceName is { } serviceHeader)
        {
            edits.Set(serviceHeader, service.Name);
        }

        return new RequestDecision
        {
            Incoming = incoming, Outgoing = outgoing, Edits = edits, ResponseEdits = responseEdits, Sampling = sampling, Client = client,
            Service = service, Span = span,
        };
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
