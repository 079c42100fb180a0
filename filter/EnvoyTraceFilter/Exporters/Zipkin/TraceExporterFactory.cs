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
    public static BaseExporter<Activity> Create(ZipkinProtocol protocol, ZipkinOptions options) => protocol switch
    {
        ZipkinProtocol.Zipkin => CreateZipkin(options),
        ZipkinProtocol.Otlp => CreateOtlp(options),
        _ => new ConsoleActivityExporter(new ConsoleExporterOptions()),
    };

    /// <param name="handler">Sends the POSTs; null: a normal socket handler (benchmarks pass one that answers at once).</param>
    internal static BaseExporter<Activity> CreateZipkin(ZipkinOptions options, HttpMessageHandler? handler = null)
    {
        // Constructed without an endpoint it reads OTEL_EXPORTER_ZIPKIN_ENDPOINT, then its own default.
        var zipkin = new ZipkinExporterOptions
        {
            HttpClientFactory = () => handler is null
                ? new HttpClient { Timeout = options.ExportTimeout }
                : new HttpClient(handler, disposeHandler: false) { Timeout = options.ExportTimeout },
        };
        if (!string.IsNullOrWhiteSpace(options.Endpoint))
        {
            zipkin.Endpoint = new Uri(options.Endpoint);
        }

        return new ZipkinExporter(zipkin);
    }

    private static BaseExporter<Activity> CreateOtlp(ZipkinOptions options)
    {
        var otlp = new OtlpExporterOptions
        {
            Protocol = OtlpExportProtocol.HttpProtobuf,
            TimeoutMilliseconds = (int)options.ExportTimeout.TotalMilliseconds,
        };
        if (!string.IsNullOrWhiteSpace(options.Endpoint))
        {
            otlp.Endpoint = new Uri(options.Endpoint);
        }

        return new OtlpTraceExporter(otlp);
    }
}
