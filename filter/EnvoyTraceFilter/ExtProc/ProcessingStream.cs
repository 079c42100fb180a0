using Envoy.Service.ExtProc.V3;
using EnvoyTraceFilter.Configuration;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Spans;
using BodyMode = Envoy.Extensions.Filters.Http.ExtProc.V3.ProcessingMode.Types.BodySendMode;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>
/// State of one ext_proc stream (= one HTTP request). Answers every message with the matching arm exactly
/// once; an exception inside a handler becomes an empty answer of that arm, so the request passes unmodified.
/// The span of a sampled request starts at its request headers and is handed to the exporters once: at the
/// response headers, or when the stream ends without them (then marked incomplete with the reason).
/// </summary>
internal sealed class ProcessingStream(FilterSnapshot snapshot, StreamServices services)
{
    private bool _requestHeadersSeen;
    private bool _responseHeadersSeen;
    private bool _bodyModes;
    private HopSpan? _span;
    private HeaderEdits _responseEdits = HeaderEdits.Empty;

    /// <summary>True once no further message can come for this stream: the caller should end the call now.</summary>
    public bool Finished { get; private set; }

    public int ResponseStatus { get; private set; }

    /// <summary>The answer to <paramref name="request"/>, of the matching arm.</summary>
    public ExtProcAnswer Answer(ProcessingRequest request)
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
                var requestAnswer = Guard(request, requestPhase: true);
                if (snapshot.FinishAfter == FinishStreamAfter.RequestHeaders && !_bodyModes)
                {
                    // Envoy will send no response_headers: the span ends here, without a status.
                    Finished = true;
                    CompleteSpan(new SpanResponse(Now()));
                }

                return requestAnswer;

            case ProcessingRequest.RequestOneofCase.ResponseHeaders:
                if (_responseHeadersSeen)
                {
                    throw ProtocolViolation.Create("duplicate_response_headers", "response_headers arrived twice on one ext_proc stream.");
                }

                _responseHeadersSeen = true;
                var responseAnswer = Guard(request, requestPhase: false);
                Finished = snapshot.FinishAfter == FinishStreamAfter.ResponseHeaders && !_bodyModes;
                return responseAnswer;

            // Bodies and trailers only come if a user's Envoy is configured to send them: pass them through.
            case ProcessingRequest.RequestOneofCase.RequestBody:
                return ExtProcAnswer.RequestBody;
            case ProcessingRequest.RequestOneofCase.ResponseBody:
                return ExtProcAnswer.ResponseBody;
            case ProcessingRequest.RequestOneofCase.RequestTrailers:
                return ExtProcAnswer.RequestTrailers;
            case ProcessingRequest.RequestOneofCase.ResponseTrailers:
                return ExtProcAnswer.ResponseTrailers;
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
            CompleteSpan(new SpanResponse(Now(), IncompleteReason: how is "reset" or "client_closed" ? "no_response_headers" : how));
        }
    }

    private ExtProcAnswer OnRequestHeaders(ProcessingRequest request)
    {
        var headers = HeaderMapReader.Read(request.RequestHeaders.Headers);
        var attributes = RequestAttributes.Read(request);
        var decision = snapshot.Analyzer.Analyze(headers, attributes.SourceAddress, services.Spans);
        RequestMetrics.Record(services.Metrics, decision);
        _responseEdits = decision.ResponseEdits; // answered in response_headers (X-Ray Sampled=?)
        if (decision.Span is { } span)
        {
            span.Describe(SpanRequests.Create(headers, decision, attributes.RequestTime ?? services.Time.GetUtcNow(),
                SpanRequests.Tags(snapshot, request.RequestHeaders.Headers, services.Metrics), services.Metrics));
            _span = span;
        }

        if (services.Logger.IsEnabled(LogLevel.Debug))
        {
            RequestMetrics.LogDecision(services.Logger, headers, decision);
        }

        return HeaderMutationBuilder.Build(decision.Edits, request, snapshot.RequestHeaderLimits, services.Metrics) is { } mutation
            ? ExtProcAnswer.Mutating(requestPhase: true, mutation)
            : ExtProcAnswer.RequestHeadersContinue;
    }

    private ExtProcAnswer OnResponseHeaders(ProcessingRequest request)
    {
        var headers = HeaderMapReader.Read(request.ResponseHeaders.Headers);
        var status = headers.Get(KnownHeader.Status);
        if (System.Buffers.Text.Utf8Parser.TryParse(status, out int code, out var used) && used == status.Length)
        {
            ResponseStatus = code;
        }

        if (_span is not null)
        {
            long? contentLength = null;
            var length = headers.Get(KnownHeader.ContentLength);
            if (System.Buffers.Text.Utf8Parser.TryParse(length, out long bytes, out var read) && read == length.Length && bytes >= 0)
            {
                contentLength = bytes;
            }

            CompleteSpan(new SpanResponse(Now(), ResponseStatus, contentLength));
        }

        return HeaderMutationBuilder.Build(_responseEdits, request, snapshot.ResponseHeaderLimits, services.Metrics) is { } mutation
            ? ExtProcAnswer.Mutating(requestPhase: false, mutation)
            : ExtProcAnswer.ResponseHeadersUnchanged;
    }

    private void CompleteSpan(in SpanResponse response)
    {
        _span?.Complete(response);
        _span = null;
    }

    private long Now() => SpanRequests.ToUnixMicros(services.Time.GetUtcNow());

    /// <summary>Runs a headers handler; an exception becomes an empty answer of the same arm (the request passes as it is).</summary>
    private ExtProcAnswer Guard(ProcessingRequest request, bool requestPhase)
    {
        try
        {
            // No delegates: this runs twice per request, and a method-group delegate is an allocation each time.
            return requestPhase ? OnRequestHeaders(request) : OnResponseHeaders(request);
        }
        catch (Exception e)
        {
            var phase = requestPhase ? "request_headers" : "response_headers";
            services.Metrics.HandlerError(phase);
            if (services.Limiter.ShouldLog(ErrorKind.HandlerException, snapshot.ErrorLogInterval))
            {
                ExtProcLog.HandlerException(services.Logger, phase, e);
            }

            return requestPhase ? ExtProcAnswer.RequestHeadersUnchanged : ExtProcAnswer.ResponseHeadersUnchanged;
        }
    }
}
