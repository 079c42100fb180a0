using System.Threading.Channels;

namespace EnvoyTraceFilter.Exporters.Pipeline;

/// <summary>
/// The one export pipeline under every exporter, in the manner of OpenTelemetry's batch processor: the request
/// path only offers an item to a bounded queue (<see cref="TryEnqueue"/> never blocks; a full queue drops and
/// counts); one background loop takes batches of up to MaxBatchSize, waiting up to BatchDelay for a batch to
/// fill, and hands each to the exporter; shutdown exports what is queued until a deadline and counts the rest.
/// A dead or hanging collector only slows that loop: requests never wait for it.
/// </summary>
internal sealed class ExportPipeline<T> : IAsyncDisposable
{
    private readonly IBatchExporter<T> _exporter;
    private readonly ExportPipelineSettings _settings;
    private readonly Channel<T> _queue;
    // Released when a full batch is waiting, so a busy pipeline does not sit out the batch delay.
    private readonly SemaphoreSlim _batchReady = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();
    private int _batchSignalled;
    private Task? _loop;
    private int _stopped;

    public ExportPipeline(IBatchExporter<T> exporter, ExportPipelineSettings settings)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.QueueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.MaxBatchSize, 1);
        _exporter = exporter;
        _settings = settings;
        _queue = Channel.CreateBounded<T>(new BoundedChannelOptions(settings.QueueCapacity)
        {
            // Wait + TryWrite = refuse when full without blocking; the loop's continuations never run on the caller.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false, // StopAsync empties the queue while the loop may still be reading.
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
    }

    /// <summary>Items waiting to be exported.</summary>
    public int QueueDepth => _queue.Reader.Count;

    /// <summary>Test hook: runs on the loop after each batch was handed to the exporter.</summary>
    public Action? BatchDone { get; set; }

    /// <summary>Offers one item; false (counted by the exporter) when the queue is full or shutting down.</summary>
    public bool TryEnqueue(T item)
    {
        if (_queue.Writer.TryWrite(item))
        {
            if (_queue.Reader.Count >= _settings.MaxBatchSize && Interlocked.Exchange(ref _batchSignalled, 1) == 0)
            {
                _batchReady.Release();
            }

            return true;
        }

        _exporter.Dropped(Volatile.Read(ref _stopped) == 1 ? PipelineDrop.Shutdown : PipelineDrop.QueueFull, 1);
        return false;
    }

    public void Start()
    {
        if (_loop is not null)
        {
            return;
        }

        // A dedicated thread for the whole loop, waits included: the OpenTelemetry exporters send synchronously, and
        // a hung collector holds that call for the export timeout. On a pool thread (where an async loop resumes after
        // its first await) that starves request handling on a small machine; here it holds only this thread.
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop = done.Task;
        var thread = new Thread(() =>
        {
            try
            {
                Run();
                done.TrySetResult();
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "export " + _exporter.GetType().Name,
        };
        thread.Start();
    }

    /// <summary>Stops taking items, exports what is queued until the drain deadline, then drops and counts the rest.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is { } loop)
        {
            try
            {
                await loop.WaitAsync(_settings.DrainTimeout, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException)
            {
                // Deadline reached: the batch in flight is abandoned and what is still queued is dropped below.
            }
        }

        await _abort.CancelAsync().ConfigureAwait(false);
        var left = 0;
        while (_queue.Reader.TryRead(out _))
        {
            left++;
        }

        if (left > 0)
        {
            _exporter.Dropped(PipelineDrop.Shutdown, left);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _batchReady.Dispose();
        _stopping.Dispose();
        _abort.Dispose();
    }

    private void Run()
    {
        var batch = new List<T>(Math.Min(_settings.MaxBatchSize, 1024));
        var abort = _abort.Token;
        try
        {
            while (WaitToRead(abort))
            {
                WaitForBatch();
                while (batch.Count < _settings.MaxBatchSize && _queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }

                Export(batch, abort);
                batch.Clear();
                BatchDone?.Invoke();
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // The drain deadline passed while waiting; StopAsync counts what is left in the queue.
        }
    }

    /// <summary>Blocks this (dedicated) thread until an item or the end of the queue; no allocation when one is there.</summary>
    private bool WaitToRead(CancellationToken abort)
    {
        var wait = _queue.Reader.WaitToReadAsync(abort);
        return wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }

    private void Export(List<T> batch, CancellationToken abort)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            var export = _exporter.ExportAsync(batch, abort);
            if (export.IsCompletedSuccessfully)
            {
                return;
            }

            export.AsTask().GetAwaiter().GetResult();
        }
        catch (Exception) when (!abort.IsCancellationRequested)
        {
            // Exporters count every item and never throw; this only keeps the loop alive if one has a bug.
            _exporter.Dropped(PipelineDrop.ExporterFault, batch.Count);
        }
        catch (Exception)
        {
            // Aborted by the drain deadline in the middle of the batch.
            _exporter.Dropped(PipelineDrop.Shutdown, batch.Count);
        }
    }

    private void WaitForBatch()
    {
        // Forget signals for batches already taken; a writer that fills a batch after the count check below
        // finds the flag clear and wakes the wait.
        Volatile.Write(ref _batchSignalled, 0);
        while (_batchReady.Wait(0))
        {
        }

        if (_settings.BatchDelay <= TimeSpan.Zero || _queue.Reader.Count >= _settings.MaxBatchSize || _stopping.IsCancellationRequested)
        {
            return;
        }

        try
        {
            _batchReady.Wait(_settings.BatchDelay, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Shutdown began: send what is there now instead of waiting out the delay.
        }
    }
}
