using System.Net.Sockets;

namespace EnvoyTraceFilter.Exporters.Zipkin;

/// <summary>
/// Sits under the OpenTelemetry exporter's HttpClient and counts why a POST failed (the exporter itself reports
/// only "failure"): timed out, refused, other connection error, or a non-2xx answer. It changes nothing else:
/// the exception or response goes on to the exporter as before.
/// </summary>
internal sealed class ZipkinFailureCounter(HttpMessageHandler inner, Action<string> countError) : DelegatingHandler(inner)
{
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return Check(base.Send(request, cancellationToken));
        }
        catch (Exception e)
        {
            countError(Classify(e, cancellationToken));
            throw;
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return Check(await base.SendAsync(request, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            countError(Classify(e, cancellationToken));
            throw;
        }
    }

    private HttpResponseMessage Check(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            countError(ExportErrors.HttpStatus);
        }

        return response;
    }

    // The exporters pass no token of their own, so a cancelled one is HttpClient's timeout.
    private static string Classify(Exception e, CancellationToken cancellationToken) =>
        e is OperationCanceledException && cancellationToken.IsCancellationRequested ? ExportErrors.Timeout
        : e is HttpRequestException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionRefused } } ? ExportErrors.ConnectionRefused
        : ExportErrors.Connection;
}
