using System.Threading.Channels;
using EnvoyTraceFilter.Core.Spans;
using EnvoyTraceFilter.Exporters.XRay;
using Microsoft.Extensions.Logging.Abstractions;

namespace EnvoyTraceFilter.Tests.Exporters.XRay;

/// <summary>An exporter wired for tests, with each span's result readable in order.</summary>
internal sealed class XRayExporterHarness : IAsyncDisposable
{
    private readonly Channel<XRayExportResult> _results = Channel.CreateUnbounded<XRayExportResult>();
    private readonly TestMeterFactory _meters = new();

    public XRayExporterHarness(XRayExporterOptions options, IXRayEmitter? emitter = null)
    {
        Exporter = new XRayExporter(options, new XRayExporterMetrics(_meters), NullLogger.Instance, TimeProvider.System, emitter)
        {
            Processed = r => _results.Writer.TryWrite(r),
        };
    }

    public XRayExporter Exporter { get; }

    /// <summary>Listens only to this harness's meter, so exporters in parallel tests don't add up.</summary>
    public MeterListenerProbe ListenToMetrics() => new(_meters.Owns);

    public static XRayExporterOptions Options(int port) => new() { DaemonAddress = $"127.0.0.1:{port}" };

    /// <summary>The next span's result, waited for with a bound rather than a sleep.</summary>
    public async Task<XRayExportResult> NextResultAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _results.Reader.ReadAsync(timeout.Token);
    }

    public async Task<XRayExportResult> ExportAsync(SpanRecord span)
    {
        Assert.True(Exporter.TryEnqueue(span));
        return await NextResultAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Exporter.DisposeAsync();
        _meters.Dispose();
    }
}
