// The only file that names OpenTelemetry.Exporter.Zipkin's types: the package is obsolete upstream (no updates
// after December 2026; Zipkin ingests OTLP), so its one warning suppression lives here, and OTLP is the
// TraceFilter:Zipkin:Protocol=Otlp switch away.
#pragma warning disable CS0618

using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;

namespace EnvoyTraceFilter.Exporters.Zipkin;

internal static class TraceExporterFactory
{
    /// <param name="countError">Told why a POST failed (one of <see cref="ExportErrors"/>); null: not counted.</param>
    public static BaseExporter<Activity> Create(ZipkinProtocol protocol, ZipkinOptions options, Action<string>? countError = null) => protocol switch
    {
        ZipkinProtocol.Zipkin => CreateZipkin(options, countError: countError),
        ZipkinProtocol.Otlp => CreateOtlp(options, countError),
        _ => new ConsoleActivityExporter(new ConsoleExporterOptions()),
    };

    /// <param name="handler">Sends the POSTs; null: a normal socket handler (benchmarks pass one that answers at once).</param>
    internal static BaseExporter<Activity> CreateZipkin(ZipkinOptions options, HttpMessageHandler? handler = null, Action<string>? countError = null)
    {
        // Constructed without an endpoint it reads OTEL_EXPORTER_ZIPKIN_ENDPOINT, then its own default. The
        // HttpClient's Timeout is what bounds a POST to a hung collector (the exporter sets none of its own).
        var zipkin = new ZipkinExporterOptions
        {
            HttpClientFactory = () => handler is null
                ? Client(options, countError)
                : new HttpClient(handler, disposeHandler: false) { Timeout = options.ExportTimeout },
        };
        if (!string.IsNullOrWhiteSpace(options.Endpoint))
        {
            zipkin.Endpoint = new Uri(options.Endpoint);
        }

        return new ZipkinExporter(zipkin);
    }

    private static BaseExporter<Activity> CreateOtlp(ZipkinOptions options, Action<string>? countError)
    {
        var otlp = new OtlpExporterOptions
        {
            Protocol = OtlpExportProtocol.HttpProtobuf,
            TimeoutMilliseconds = (int)options.ExportTimeout.TotalMilliseconds,
            HttpClientFactory = () => Client(options, countError),
        };
        if (!string.IsNullOrWhiteSpace(options.Endpoint))
        {
            otlp.Endpoint = new Uri(options.Endpoint);
        }

        return new OtlpTraceExporter(otlp);
    }

    private static HttpClient Client(ZipkinOptions options, Action<string>? countError) =>
        countError is null
            ? new HttpClient { Timeout = options.ExportTimeout }
            : new HttpClient(new ZipkinFailureCounter(new SocketsHttpHandler(), countError)) { Timeout = options.ExportTimeout };
}
