using System.Diagnostics;
using Envoy.Service.ExtProc.V3;
using EnvoyTraceFilter.Configuration;
using EnvoyTraceFilter.Core.Analysis;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Spans;
using BodyMode = Envoy.Extensions.Filters.Http.ExtProc.V3.ProcessingMode.Types.BodySendMode;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>
/// State of one ext_proc stream (= one HTTP request). Answers every message with the matching arm exactly
/// once; an exception inside a handler becomes an empty answer of that arm, so the request passes unmodified.
/// The span of a sampled request starts at its request headers and is handed to the exporters once: at the
/// response headers, or when the stream ends without them (then marked incomplete with the reason).
/// </summary>
internal sealed class ProcessingStream(FilterSnapshot snapshot, StreamServices services) : ISampledSpanMinter
{
    private static readonly RandomIdGenerator FallbackIds = new(TimeProvider.System);

    private bool _requestHeadersSeen;
    private bool _responseHeadersSeen;
    private bool _bodyModes;
    private DateTimeOffset _start;
    private SpanRecord? _span;
    private Activity? _activity;

    /// <summary>True once no further message can come for this stream: the caller should end the call now.</summary>
    public bool Finished { get; private set; }

    public int ResponseStatus { get; private set; }

    public ProcessingResponse Handle(ProcessingRequest request)
    {
        if (request.ProtocolConfig is { } config && !_bodyModes
            && (config.RequestBodyMode != BodyMode.None || config.ResponseBodyMode != BodyMode.None))
        {
            _bodyModes = true;
            ExtProcLog.BodyModesDetected(services.Logger);
        }

        switch (request.RequestCase)
        {
            case ProcessingRequest.RequestOneofCase.RequestHeaders:
                if (_requestHeadersSeen)
                {
                    throw ProtocolViolation.Create("duplicate_request_headers", "request_headers arrived twice on one ext_proc stream; Envoy opens one stream per HTTP request.");
                }

                _requestHeadersSeen = true;
                var requestAnswer = Guard("request_headers", request, OnRequestHeaders, static () => new() { RequestHeaders = new HeadersResponse() });
                if (snapshot.FinishAfter == FinishStreamAfter.RequestHeaders && !_bodyModes)
                {
                    // Envoy will send no response_headers: the span ends here, without a status.
                    Finished = true;
                    CompleteSpan(incompleteReason: null);
                }

                return requestAnswer;

            case ProcessingRequest.RequestOneofCase.ResponseHeaders:
                if (_responseHeadersSeen)
                {
                    throw ProtocolViolation.Create("duplicate_response_headers", "response_headers arrived twice on one ext_proc stream.");
                }

                _responseHeadersSeen = true;
                var responseAnswer = Guard("response_headers", request, OnResponseHeaders, static () => new() { ResponseHeaders = new HeadersResponse() });
                Finished = snapshot.FinishAfter == FinishStreamAfter.ResponseHeaders && !_bodyModes;
                return responseAnswer;

            // Bodies and trailers only come if a user's Envoy is configured to send them: pass them through.
            case ProcessingRequest.RequestOneofCase.RequestBody:
                return new ProcessingResponse { RequestBody = new BodyResponse() };
            case ProcessingRequest.RequestOneofCase.ResponseBody:
                return new ProcessingResponse { ResponseBody = new BodyResponse() };
            case ProcessingRequest.RequestOneofCase.RequestTrailers:
                return new ProcessingResponse { RequestTrailers = new TrailersResponse() };
            case ProcessingRequest.RequestOneofCase.ResponseTrailers:
                return new ProcessingResponse { ResponseTrailers = new TrailersResponse() };
            default:
                throw ProtocolViolation.Create("empty_request", "ProcessingRequest carries none of request_headers, response_headers, request_body, response_body, request_trailers, response_trailers.");
        }
    }

    /// <summary>Called once when the call ends; a span still open is exported as incomplete, saying why.</summary>
    public void End(string how)
    {
        if (_span is not null)
        {
            // Envoy closing the stream (half-close and/or reset) is all ext_proc shows of a client that left,
            // an upstream reset or an Envoy timeout: the response headers never came.
            CompleteSpan(incompleteReason: how is "reset" or "client_closed" ? "no_response_headers" : how);
        }
    }

    SpanId ISampledSpanMinter.Mint(TraceId traceId, SpanId parentSpanId, bool debug)
    {
        _activity = services.Sink.StartHop(traceId, parentSpanId, _start.UtcDateTime);
        return _activity is null ? FallbackIds.NewSpanId() : Exporters.Zipkin.HopActivitySource.SpanIdOf(_activity);
    }

    private ProcessingResponse OnRequestHeaders(ProcessingRequest request)
    {
        var headers = HeaderMapReader.Read(request.RequestHeaders.Headers);
        var attributes = RequestAttributes.Read(request);
        _start = attributes.RequestTime ?? services.Time.GetUtcNow();
        var hop = snapshot.Analyzer.Propagation.Mode == PropagationMode.Hop;
        var decision = snapshot.Analyzer.Analyze(headers, attributes.SourceAddress, hop && services.Sink.NeedsActivity ? this : null);
        RequestMetrics.Record(services.Metrics, decision);

        // Translate-only mode is not a hop: the span belongs to whoever minted the incoming id.
        if (decision.Sampled && hop && services.Sink.Enabled && decision.Outgoing is { } outgoing)
        {
            _span = SpanFactory.Create(headers, decision, outgoing, _start, SpanFactory.Tags(snapshot, request.RequestHeaders.Headers));
        }

        if (services.Logger.IsEnabled(LogLevel.Debug))
        {
            RequestMetrics.LogDecision(services.Logger, headers, decision);
        }

        var common = new CommonResponse();
        if (HeaderMutationBuilder.Build(decision.Edits, request, snapshot.RequestHeaderLimits, services.Metrics) is { } mutation)
        {
            common.HeaderMutation = mutation;
        }

        return new ProcessingResponse { RequestHeaders = new HeadersResponse { Response = common } };
    }

    private ProcessingResponse OnResponseHeaders(ProcessingRequest request)
    {
        var headers = HeaderMapReader.Read(request.ResponseHeaders.Headers);
        var status = headers.Get(KnownHeader.Status);
        if (System.Buffers.Text.Utf8Parser.TryParse(status, out int code, out var used) && used == status.Length)
        {
            ResponseStatus = code;
        }

        if (_span is not null)
        {
            _span.Status = ResponseStatus;
            var length = headers.Get(KnownHeader.ContentLength);
            if (System.Buffers.Text.Utf8Parser.TryParse(length, out long bytes, out var read) && read == length.Length && bytes >= 0)
            {
                _span.ResponseContentLength = bytes;
            }

            CompleteSpan(incompleteReason: null);
        }

        return new ProcessingResponse { ResponseHeaders = new HeadersResponse() };
    }

    private void CompleteSpan(string? incompleteReason)
    {
        var span = _span;
        _span = null;
        if (span is null)
        {
            return;
        }

        span.EndUnixMicros = SpanFactory.ToUnixMicros(services.Time.GetUtcNow());
        span.IncompleteReason = incompleteReason;
        services.Sink.Export(span, _activity);
    }

    private ProcessingResponse Guard(string phase, ProcessingRequest request, Func<ProcessingRequest, ProcessingResponse> handler, Func<ProcessingResponse> passThrough)
    {
        try
        {
            return handler(request);
        }
        catch (Exception e)
        {
            services.Metrics.HandlerError(phase);
            if (services.Limiter.ShouldLog(ErrorKind.HandlerException, snapshot.ErrorLogInterval))
            {
                ExtProcLog.HandlerException(services.Logger, phase, e);
            }

            return passThrough();
        }
    }
}
