using System.Text;
using Envoy.Service.ExtProc.V3;
using EnvoyTraceFilter.Configuration;
using EnvoyTraceFilter.Core.Analysis;
using EnvoyTraceFilter.Core.Headers;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Telemetry;
using BodyMode = Envoy.Extensions.Filters.Http.ExtProc.V3.ProcessingMode.Types.BodySendMode;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>
/// State of one ext_proc stream (= one HTTP request). Answers every message with the matching arm exactly
/// once; an exception inside a handler becomes an empty answer of that arm, so the request passes unmodified.
/// </summary>
internal sealed class ProcessingStream(FilterSnapshot snapshot, FilterMetrics metrics, ILogger logger, ErrorLogLimiter limiter)
{
    private bool _requestHeadersSeen;
    private bool _responseHeadersSeen;
    private bool _bodyModes;

    /// <summary>True once no further message can come for this stream: the caller should end the call now.</summary>
    public bool Finished { get; private set; }

    public RequestDecision? Decision { get; private set; }

    public int ResponseStatus { get; private set; }

    public ProcessingResponse Handle(ProcessingRequest request)
    {
        if (request.ProtocolConfig is { } config && !_bodyModes
            && (config.RequestBodyMode != BodyMode.None || config.ResponseBodyMode != BodyMode.None))
        {
            _bodyModes = true;
            ExtProcLog.BodyModesDetected(logger);
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
                Finished = snapshot.FinishAfter == FinishStreamAfter.RequestHeaders && !_bodyModes;
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

    private ProcessingResponse OnRequestHeaders(ProcessingRequest request)
    {
        var headers = HeaderMapReader.Read(request.RequestHeaders.Headers);
        var decision = snapshot.Analyzer.Analyze(headers);
        Decision = decision;
        CountRejects(decision.Incoming);
        metrics.RequestProcessed(decision.Sampled);

        if (logger.IsEnabled(LogLevel.Debug) && decision.Outgoing is { } o)
        {
            ExtProcLog.RequestDecided(logger, Ascii(headers, KnownHeader.Authority), Ascii(headers, KnownHeader.Path),
                o.TraceId.ToString(), o.SpanId.ToString(), o.ParentSpanId.IsValid ? o.ParentSpanId.ToString() : "-", decision.Sampled,
                decision.Edits.SetCount + decision.Edits.RemoveCount);
        }

        var common = new CommonResponse();
        if (HeaderMutationBuilder.Build(decision.Edits) is { } mutation)
        {
            common.HeaderMutation = mutation;
        }

        return new ProcessingResponse { RequestHeaders = new HeadersResponse { Response = common } };
    }

    private ProcessingResponse OnResponseHeaders(ProcessingRequest request)
    {
        var headers = HeaderMapReader.Read(request.ResponseHeaders.Headers);
        if (System.Buffers.Text.Utf8Parser.TryParse(headers.Get(KnownHeader.Status), out int status, out var used)
            && used == headers.Get(KnownHeader.Status).Length)
        {
            ResponseStatus = status;
        }

        return new ProcessingResponse { ResponseHeaders = new HeadersResponse() };
    }

    private void CountRejects(in IncomingTrace incoming)
    {
        if (!incoming.Rejects.Any)
        {
            return;
        }

        for (var format = TraceFormat.B3Single; format <= TraceFormat.CloudTrace; format++)
        {
            if (incoming.Rejects[format] is var reason and not RejectReason.None)
            {
                metrics.HeaderRejected(format, reason);
            }
        }
    }

    private ProcessingResponse Guard(string phase, ProcessingRequest request, Func<ProcessingRequest, ProcessingResponse> handler, Func<ProcessingResponse> passThrough)
    {
        try
        {
            return handler(request);
        }
        catch (Exception e)
        {
            metrics.HandlerError(phase);
            if (limiter.ShouldLog(ErrorKind.HandlerException, snapshot.ErrorLogInterval))
            {
                ExtProcLog.HandlerException(logger, phase, e);
            }

            return passThrough();
        }
    }

    private static string Ascii(in HeaderSet headers, KnownHeader header) => Encoding.ASCII.GetString(headers.Get(header));
}
