using System.Threading.Channels;
using EnvoyTraceFilter.Exporters.Pipeline;

namespace EnvoyTraceFilter.Tests.Exporters.Pipeline;

/// <summary>A batch exporter that records each batch and drop, and can be held inside an export.</summary>
internal sealed class RecordingBatchExporter : IBatchExporter<int>
{
    private readonly Channel<int[]> _batches = Channel.CreateUnbounded<int[]>();

    public ManualResetEventSlim Hold { get; } = new(initialState: true);

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Exception? Throw { get; set; }

    /// <summary>For each export call: whether it ran on a thread-pool thread.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<bool> OnPoolThread { get; } = new();

    public int QueueFull;
    public int Shutdown;
    public int Faults;

    public ValueTask ExportAsync(IReadOnlyList<int> batch, CancellationToken abort)
    {
        OnPoolThread.Enqueue(Thread.CurrentThread.IsThreadPoolThread);
        Entered.TrySetResult();
        Assert.True(Hold.Wait(TimeSpan.FromSeconds(30)));
        if (Throw is { } e)
        {
            throw e;
        }

        _batches.Writer.TryWrite([.. batch]);
        return ValueTask.CompletedTask;
    }

    public void Dropped(PipelineDrop reason, int count)
    {
        _ = reason switch
        {
            PipelineDrop.QueueFull => Interlocked.Add(ref QueueFull, count),
            PipelineDrop.Shutdown => Interlocked.Add(ref Shutdown, count),
            _ => Interlocked.Add(ref Faults, count),
        };
    }

    public async Task<int[]> NextBatchAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await _batches.Reader.ReadAsync(timeout.Token);
    }

    public bool HasBatch => _batches.Reader.Count > 0;
}
