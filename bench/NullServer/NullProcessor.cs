using Envoy.Service.ExtProc.V3;
using Grpc.Core;

namespace EnvoyTraceFilter.NullServer;

/// <summary>
/// Answers every ext_proc message with an empty answer of the matching arm and, like the filter, ends the call
/// itself after the response_headers answer, before Envoy's half-close + reset can reach a live stream.
/// </summary>
internal sealed class NullProcessor(NullProcessorOptions options) : ExternalProcessor.ExternalProcessorBase
{
    // Immutable after construction: serialising only reads them, so every call shares them.
    private static readonly ProcessingResponse RequestHeaders = new() { RequestHeaders = new HeadersResponse() };
    private static readonly ProcessingResponse ResponseHeaders = new() { ResponseHeaders = new HeadersResponse() };
    private static readonly ProcessingResponse RequestBody = new() { RequestBody = new BodyResponse() };
    private static readonly ProcessingResponse ResponseBody = new() { ResponseBody = new BodyResponse() };
    private static readonly ProcessingResponse RequestTrailers = new() { RequestTrailers = new TrailersResponse() };
    private static readonly ProcessingResponse ResponseTrailers = new() { ResponseTrailers = new TrailersResponse() };

    public override async Task Process(IAsyncStreamReader<ProcessingRequest> requestStream, IServerStreamWriter<ProcessingResponse> responseStream,
        ServerCallContext context)
    {
        try
        {
            while (await requestStream.MoveNext(CancellationToken.None).ConfigureAwait(false))
            {
                var request = requestStream.Current;
                var answer = request.RequestCase switch
                {
                    ProcessingRequest.RequestOneofCase.RequestHeaders => RequestHeaders,
                    ProcessingRequest.RequestOneofCase.ResponseHeaders => ResponseHeaders,
                    ProcessingRequest.RequestOneofCase.RequestBody => RequestBody,
                    ProcessingRequest.RequestOneofCase.ResponseBody => ResponseBody,
                    ProcessingRequest.RequestOneofCase.RequestTrailers => RequestTrailers,
                    ProcessingRequest.RequestOneofCase.ResponseTrailers => ResponseTrailers,
                    _ => null,
                };
                if (answer is null)
                {
                    continue;
                }

                await responseStream.WriteAsync(answer).ConfigureAwait(false);
                if (options.FinishAfterResponseHeaders && request.RequestCase == ProcessingRequest.RequestOneofCase.ResponseHeaders)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // Envoy's reset of a call we did not finish first: the normal end of a stream, not an error.
        }
    }
}
