using EnvoyTraceFilter.Exporters.Pipeline;

namespace EnvoyTraceFilter.Tests.Exporters.Pipeline;

public sealed class ExportPipelineTests
{
    private static ExportPipelineSettings Settings(int capacity = 100, int batch = 10, double delaySeconds = 30, double drainSeconds = 5) =>
        new(capacity, batch, TimeSpan.FromSeconds(delaySeconds), TimeSpan.FromSeconds(drainSeconds));

    [Fact]
    public async Task A_full_batch_is_sent_at_once_without_waiting_for_the_delay()
    {
        var exporter = new RecordingBatchExporter();
        await using var pipeline = new ExportPipeline<int>(exporter, Settings(batch: 3, delaySeconds: 600));
        pipeline.Start();

        for (var i = 1; i <= 7; i++)
        {
            Assert.True(pipeline.TryEnqueue(i));
        }

        // Two full batches go now; the seventh item waits for the (ten-minute) delay or for shutdown.
        Assert.Equal(new[] { 1, 2, 3 }, await exporter.NextBatchAsync());
        Assert.Equal(new[] { 4, 5, 6 }, await exporter.NextBatchAsync());
        Assert.Equal(1, pipeline.QueueDepth);
        await pipeline.StopAsync(CancellationToken.None);
        Assert.Equal(new[] { 7 }, await exporter.NextBatchAsync());
        Assert.Equal(0, exporter.Shutdown);
    }

    [Fact]
    public async Task Exports_run_on_the_pipelines_own_thread_never_on_the_thread_pool()
    {
        // A hung collector holds the export call (the OpenTelemetry exporters send synchronously) for up to the export
        // timeout: on a pool thread that starves request handling on a small machine.
        var exporter = new RecordingBatchExporter();
        await using var pipeline = new ExportPipeline<int>(exporter, Settings(batch: 1, delaySeconds: 0));
        pipeline.Start();

        for (var i = 1; i <= 3; i++)
        {
            // Each item arrives while the loop is waiting, so every wake-up comes back from an asynchronous wait.
            Assert.True(pipeline.TryEnqueue(i));
            Assert.Equal(new[] { i }, await exporter.NextBatchAsync());
        }

        Assert.Equal([false, false, false], exporter.OnPoolThread);
    }

    [Fact]
    public async Task A_partial_batch_is_sent_after_the_delay()
    {
        var exporter = new RecordingBatchExporter();
        await using var pipeline = new ExportPipeline<int>(exporter, Settings(batch: 100, delaySeconds: 0.05));
        pipeline.Start();

        Assert.True(pipeline.TryEnqueue(1));
        Assert.True(pipeline.TryEnqueue(2));

        Assert.Equal(new[] { 1, 2 }, await exporter.NextBatchAsync());
    }

    [Fact]
    public async Task A_full_queue_refuses_and_counts_without_blocking()
    {
        var exporter = new RecordingBatchExporter();
        await using var pipeline = new ExportPipeline<int>(exporter, Settings(capacity: 2));

        Assert.True(pipeline.TryEnqueue(1));
        Assert.True(pipeline.TryEnqueue(2));
        Assert.False(pipeline.TryEnqueue(3));

        Assert.Equal((1, 0), (exporter.QueueFull, exporter.Shutdown));
        Assert.Equal(2, pipeline.QueueDepth);
    }

    [Fact]
    public async Task Stop_drains_what_is_queued_then_refuses_new_items_as_shutdown_drops()
    {
        var exporter = new RecordingBatchExporter();
        var pipeline = new ExportPipeline<int>(exporter, Settings(batch: 2));
        for (var i = 1; i <= 5; i++)
        {
            Assert.True(pipeline.TryEnqueue(i));
        }

        pipeline.Start();
        await pipeline.StopAsync(CancellationToken.None);

        Assert.Equal(new[] { 1, 2 }, await exporter.NextBatchAsync());
        Assert.Equal(new[] { 3, 4 }, await exporter.NextBatchAsync());
        Assert.Equal(new[] { 5 }, await exporter.NextBatchAsync());
        Assert.False(pipeline.TryEnqueue(6));
        Assert.Equal((0, 1), (exporter.QueueFull, exporter.Shutdown));
        await pipeline.DisposeAsync();
    }

    [Fact]
    public async Task Stop_gives_up_at_the_drain_deadline_and_counts_what_is_still_queued()
    {
        var exporter = new RecordingBatchExporter();
        exporter.Hold.Reset();
        var pipeline = new ExportPipeline<int>(exporter, Settings(batch: 2, delaySeconds: 0, drainSeconds: 0.2));
        pipeline.Start();
        Assert.True(pipeline.TryEnqueue(1));
        Assert.True(pipeline.TryEnqueue(2));
        await exporter.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        for (var i = 3; i <= 5; i++)
        {
            Assert.True(pipeline.TryEnqueue(i));
        }

        await pipeline.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(3, exporter.Shutdown);
        Assert.Equal(0, pipeline.QueueDepth);
        exporter.Hold.Set();
        Assert.Equal(new[] { 1, 2 }, await exporter.NextBatchAsync());
        await pipeline.DisposeAsync();
    }

    [Fact]
    public async Task An_exporter_that_throws_is_counted_and_the_loop_goes_on()
    {
        var exporter = new RecordingBatchExporter { Throw = new InvalidOperationException("bug") };
        await using var pipeline = new ExportPipeline<int>(exporter, Settings(batch: 2, delaySeconds: 0));
        using var batchDone = new SemaphoreSlim(0);
        pipeline.BatchDone = () => batchDone.Release();
        pipeline.Start();

        Assert.True(pipeline.TryEnqueue(1));
        Assert.True(pipeline.TryEnqueue(2));
        Assert.True(await batchDone.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(2, exporter.Faults);
        exporter.Throw = null;
        Assert.True(pipeline.TryEnqueue(3));
        Assert.True(pipeline.TryEnqueue(4));

        Assert.Equal(new[] { 3, 4 }, await exporter.NextBatchAsync());
        Assert.Equal(2, exporter.Faults);
    }
}
