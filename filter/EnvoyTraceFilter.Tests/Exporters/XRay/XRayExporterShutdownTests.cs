using EnvoyTraceFilter.Exporters.XRay;

namespace EnvoyTraceFilter.Tests.Exporters.XRay;

public sealed class XRayExporterShutdownTests
{
    [Fact]
    public async Task Spans_queued_before_start_are_drained_by_stop()
    {
        using var daemon = new FakeDaemon();
        await using var harness = new XRayExporterHarness(XRayExporterHarness.Options(daemon.Port));
        for (var i = 1; i <= 5; i++)
        {
            Assert.True(harness.Exporter.TryEnqueue(TestSpans.Fresh(spanId: (ulong)i)));
        }

        await harness.Exporter.StartAsync(CancellationToken.None);
        await harness.Exporter.StopAsync(CancellationToken.None);

        Assert.Equal((5, 0, 0), (harness.Exporter.Exported, harness.Exporter.Dropped, harness.Exporter.Failed));
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal($"{i:x16}", (await daemon.ReceiveAsync()).Document.GetProperty("id").GetString());
        }

        Assert.False(harness.Exporter.TryEnqueue(TestSpans.Fresh()));
        Assert.Equal(1, harness.Exporter.Count(XRayExportResult.DroppedShutdown));
    }

    [Fact]
    public async Task Stop_gives_up_at_the_drain_deadline_and_counts_the_rest()
    {
        var emitter = new ScriptedEmitter { Block = true };
        var options = new XRayExporterOptions { ShutdownDrainTimeout = TimeSpan.FromMilliseconds(200) };
        await using var harness = new XRayExporterHarness(options, emitter);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(harness.Exporter.TryEnqueue(TestSpans.Fresh()));
        }

        await harness.Exporter.StartAsync(CancellationToken.None);
        await emitter.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        try
        {
            await harness.Exporter.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Equal(3, harness.Exporter.Count(XRayExportResult.DroppedShutdown));
            Assert.False(harness.Exporter.TryEnqueue(TestSpans.Fresh()));
            Assert.Equal(4, harness.Exporter.Count(XRayExportResult.DroppedShutdown));
        }
        finally
        {
            emitter.Release.Set();
        }

        Assert.Equal(XRayExportResult.Exported, await harness.NextResultAsync());
    }
}
