using EnvoyTraceFilter.Exporters.XRay;
using Microsoft.Extensions.Logging;

namespace EnvoyTraceFilter.Tests.Exporters.XRay;

public sealed class XRayExporterDisabledTests
{
    [Fact]
    public async Task A_disabled_exporter_does_not_start_its_loop_nor_log_that_it_started()
    {
        var logger = new RecordingLogger();
        var emitter = new ScriptedEmitter();
        await using var exporter = new XRayExporter(new XRayExporterOptions { Enabled = false }, new XRayExporterMetrics(new TestMeterFactory()),
            logger, TimeProvider.System, emitter);

        await exporter.StartAsync(CancellationToken.None);
        Assert.True(exporter.TryEnqueue(TestSpans.Fresh()));
        await exporter.StopAsync(CancellationToken.None);

        Assert.Empty(logger.Messages);
        Assert.Equal(0, emitter.Sent);
        Assert.Equal(1, exporter.Count(XRayExportResult.DroppedShutdown));
    }

    private sealed class RecordingLogger : ILogger
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
