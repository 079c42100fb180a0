using EnvoyTraceFilter.Core.Propagation;

namespace EnvoyTraceFilter.Core.Spans;

/// <summary>
/// The span of one sampled hop, from its request headers to its response headers. Started by an
/// <see cref="IHopSpanSource"/>, which owns its id; described once by the request phase; completed once, which
/// builds the immutable <see cref="SpanRecord"/> and hands it to the source's exporters. Later calls are no-ops,
/// so an edge that completes on every way out cannot export a span twice.
/// </summary>
public abstract class HopSpan(TraceId traceId, SpanId spanId, SpanId parentSpanId, bool debug)
{
    private SpanRequest? _request;
    private int _completed;

    public TraceId TraceId => traceId;

    /// <summary>This hop's span id: written to the app's headers and exported as the span's id.</summary>
    public SpanId SpanId => spanId;

    /// <summary>The incoming span id; invalid when this span is a root.</summary>
    public SpanId ParentSpanId => parentSpanId;

    public bool Debug => debug;

    /// <summary>Records the request side; the first description wins.</summary>
    public void Describe(SpanRequest request) => Interlocked.CompareExchange(ref _request, request, null);

    /// <summary>Ends the span and exports it; false when it was already completed or never described.</summary>
    public bool Complete(in SpanResponse response)
    {
        var request = Volatile.Read(ref _request);
        if (request is null || Interlocked.Exchange(ref _completed, 1) == 1)
        {
            return false;
        }

        Export(new SpanRecord
        {
            TraceId = traceId,
            SpanId = spanId,
            ParentSpanId = parentSpanId,
            Debug = debug,
            ServiceName = request.ServiceName,
            StartUnixMicros = request.StartUnixMicros,
            EndUnixMicros = Math.Max(response.EndUnixMicros, request.StartUnixMicros),
            Method = request.Method,
            Url = request.Url,
            Path = request.Path,
            ClientIp = request.ClientIp,
            ClientIpFromForwardedFor = request.ClientIpFromForwardedFor,
            UserAgent = request.UserAgent,
            Tags = request.Tags,
            Status = response.Status,
            ResponseContentLength = response.ContentLength,
            IncompleteReason = response.IncompleteReason,
        });
        return true;
    }

    /// <summary>Hands the finished record to the exporters. Must not block or throw.</summary>
    protected abstract void Export(SpanRecord record);
}
