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
    /// <param name="handler">Sends the POSTs; shared by every service's exporter (see <see cref="Handler"/>), so
    /// they share its connection pool. Not disposed by the exporters.</param>
    public static BaseExporter<Activity> Create(ZipkinProtocol protocol, ZipkinOptions options, HttpMessageHandler handler) => protocol switch
    {
        ZipkinProtocol.Zipkin => CreateZipkin(options, handler),
        ZipkinProtocol.Otlp => CreateOtlp(options, handler),
        _ => new ConsoleActivityExporter(new ConsoleExporterOptions()),
    };

    /// <summary>The handler under every exporter's HttpClient; <paramref name="countError"/> is told why a POST failed
    /// (one of <see cref="ExportErrors"/>), null: not counted.</summary>
    public static HttpMessageHandler Handler(Action<string>? countError) =>
        countError is null ? new SocketsHttpHandler() : new ZipkinFailureCounter(new SocketsHttpHandler(), countError);

    internal static BaseExporter<Activity> CreateZipkin(ZipkinOptions options, HttpMessageHandler handler)
    {
        // Constructed without an endpoint it reads OTEL_EXPORTER_ZIPKIN_ENDPOINT, then its own default. The
        // HttpClient's Timeout is what bounds a POST to a hung collector (the exporter sets none of its own).
        var zipkin = new ZipkinExporterOptions { HttpClientFactory = () => Client(options, handler) };
        if (!string.IsNullOrWhiteSpace(options.Endpoint))
        {
            zipkin.Endpoint = new Uri(options.Endpoint);
        }

        return new ZipkinExporter(zipkin);
    }

    private static BaseExporter<Activity> CreateOtlp(ZipkinOptions options, HttpMessageHandler handler)
    {
        var otlp = new OtlpExporterOptions
        {
            Protocol = OtlpExportProtocol.HttpProtobuf,
            TimeoutMilliseconds = (int)options.ExportTimeout.TotalMilliseconds,
            HttpClientFactory = () => Client(options, handler),
        };
        if (!string.IsNullOrWhiteSpace(options.Endpoint))
        {
            otlp.Endpoint = new Uri(options.Endpoint);
        }

        return new OtlpTraceExporter(otlp);
    }

    private static HttpClient Client(ZipkinOptions options, HttpMessageHandler handler) =>
        new(handler, disposeHandler: false) { Timeout = options.ExportTimeout };
}
