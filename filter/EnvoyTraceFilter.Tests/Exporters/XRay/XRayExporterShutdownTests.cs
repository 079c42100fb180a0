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
    public async Task Stop_gives_up_at_the_drain_deadline_and_the_unsent_rest_is_counted_as_dropped()
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
            // Returns at the deadline although the daemon send is still stuck; nothing new is taken after it.
            await harness.Exporter.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, harness.Exporter.QueueDepth);
            Assert.False(harness.Exporter.TryEnqueue(TestSpans.Fresh()));
            Assert.Equal(1, harness.Exporter.Count(XRayExportResult.DroppedShutdown));
        }
        finally
        {
            emitter.Release.Set();
        }

        // The send in flight completes; the three spans of its batch that were never sent are dropped, not sent late.
        Assert.Equal(XRayExportResult.Exported, await harness.NextResultAsync());
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(XRayExportResult.DroppedShutdown, await harness.NextResultAsync());
        }

        Assert.Equal(4, harness.Exporter.Count(XRayExportResult.DroppedShutdown));
        Assert.Equal(1, emitter.Sent);
    }
}
