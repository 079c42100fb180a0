using Envoy.Service.ExtProc.V3;
using Grpc.Core;

namespace EnvoyEmulator;

/// <summary>The record of one emulated HTTP request through Envoy and the ext_proc server.</summary>
public sealed class EmulatedExchange
{
    /// <summary>What the application received; null if the request never reached it.</summary>
    public required UpstreamRequest? Upstream { get; init; }

    /// <summary>What the HTTP client received.</summary>
    public required DownstreamResponse Downstream { get; init; }

    public required ExchangeOutcome Outcome { get; init; }

    /// <summary>Every ProcessingRequest sent and ProcessingResponse received, in order.</summary>
    public required IReadOnlyList<ExtProcMessage> Messages { get; init; }

    /// <summary>The status the server ended the call with, if the emulator saw it end before closing.</summary>
    public Status? ServerStatus { get; init; }

    /// <summary>A request_headers answer carried clear_route_cache together with a header mutation.</summary>
    public bool RouteCacheCleared { get; init; }

    public IReadOnlyList<ProcessingRequest> Sent =>
        Messages.Where(m => m.Sent is not null).Select(m => m.Sent!).ToList();

    public IReadOnlyList<ProcessingResponse> Received =>
        Messages.Where(m => m.Received is not null).Select(m => m.Received!).ToList();

    /// <summary>The request_headers message sent, or null.</summary>
    public HttpHeaders? RequestHeadersSent =>
        Sent.FirstOrDefault(m => m.RequestCase == ProcessingRequest.RequestOneofCase.RequestHeaders)?.RequestHeaders;

    /// <summary>The response_headers message sent, or null.</summary>
    public HttpHeaders? ResponseHeadersSent =>
        Sent.FirstOrDefault(m => m.RequestCase == ProcessingRequest.RequestOneofCase.ResponseHeaders)?.ResponseHeaders;
}
