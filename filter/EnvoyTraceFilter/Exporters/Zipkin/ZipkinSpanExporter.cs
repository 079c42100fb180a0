using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using EnvoyTraceFilter.Core.Spans;
using Microsoft.Extensions.Options;
using OpenTelemetry;

namespace EnvoyTraceFilter.Exporters.Zipkin;

/// <summary>
/// Sends sampled spans through the OpenTelemetry SDK exporter, off the request path: <see cref="TryEnqueue"/>
/// never blocks (a full queue drops and counts), one background loop batches by service name and calls the
/// exporter of that name. A dead or hanging collector only slows that loop; requests never wait for it.
/// </summary>
public sealed class ZipkinSpanExporter : IHostedService, IDisposable, Telemetry.IExportQueue
{
    private static readonly KeyValuePair<string, object?> ExporterTag = new("exporter", "zipkin");

    private readonly ZipkinOptions _options;
    private readonly ServiceExporterPool _pool;
    private readonly Channel<Activity> _queue;
    private readonly Counter<long> _spans;
    private readonly CancellationTokenSource _abort = new();
    private long _exported;
    private long _dropped;
    private long _failed;
    private Task? _loop;
    private int _disposed;

    public ZipkinSpanExporter(IOptions<ZipkinOptions> options, IMeterFactory meters, int maxServiceNames)
    {
        _options = options.Value;
        var protocol = Enum.Parse<ZipkinProtocol>(_options.Protocol, ignoreCase: true);
        _pool = new ServiceExporterPool(protocol, _options, maxServiceNames);
        _queue = Channel.CreateBounded<Activity>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            AllowSynchronousContinuations = false,
        });
        _spans = ExportSpanCounter.Create(meters);
    }

    public long Exported => Interlocked.Read(ref _exported);

    public long Dropped => Interlocked.Read(ref _dropped);

    public long Failed => Interlocked.Read(ref _failed);

    string Telemetry.IExportQueue.ExporterName => "zipkin";

    /// <summary>Spans queued and not sent yet (the queue-depth gauge).</summary>
    public int QueueDepth => _queue.Reader.Count;

    /// <summary>Test hook: runs on the export loop after each batch.</summary>
    internal Action? BatchDone { get; set; }

    /// <summary>Queues a finished span; false (counted as dropped) when the queue is full or shutting down.</summary>
    public bool TryEnqueue(SpanRecord span, Activity activity)
    {
        SpanActivityWriter.Write(span, activity);
        if (_queue.Writer.TryWrite(activity))
        {
            return true;
        }

        Count(ref _dropped, "dropped_queue_full", 1);
        return false;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Exporters send synchronously; a dedicated thread keeps a slow collector off the thread pool.
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_loop is not null)
        {
            var finished = await Task.WhenAny(_loop, Task.Delay(_options.ShutdownDrainTimeout, cancellationToken)).ConfigureAwait(false);
            if (finished != _loop)
            {
                await _abort.CancelAsync().ConfigureAwait(false);
            }
        }

        var left = 0;
        while (_queue.Reader.TryRead(out _))
        {
            left++;
        }

        if (left > 0)
        {
            Count(ref _dropped, "dropped_shutdown", left);
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<Activity>(_options.MaxBatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_abort.Token).ConfigureAwait(false))
            {
                while (batch.Count < _options.MaxBatchSize && _queue.Reader.TryRead(out var activity))
                {
                    batch.Add(activity);
                }

                ExportByService(batch);
                batch.Clear();
                BatchDone?.Invoke();
            }
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            Count(ref _dropped, "dropped_shutdown", batch.Count);
        }
    }

    private void ExportByService(List<Activity> batch)
    {
        foreach (var group in batch.GroupBy(a => a.DisplayName, StringComparer.Ordinal))
        {
            var items = group.ToArray();
            var exporter = _pool.Get(group.Key);
            if (exporter is null)
            {
                Count(ref _dropped, "dropped_service_limit", items.Length);
                continue;
            }

            ExportResult result;
            try
            {
                result = exporter.Export(new Batch<Activity>(items, items.Length));
            }
            catch (Exception)
            {
                // Exporters report failures as results; this only guards the loop against a bug in one.
                result = ExportResult.Failure;
            }

            if (result == ExportResult.Success)
            {
                Count(ref _exported, "exported", items.Length);
            }
            else
            {
                Count(ref _failed, "failed", items.Length);
            }
        }
    }

    private void Count(ref long field, string result, int n)
    {
        Interlocked.Add(ref field, n);
        _spans.Add(n, ExporterTag, new KeyValuePair<string, object?>("result", result));
    }

    // The container disposes this twice (as itself and as a hosted service); only the first call acts.
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _abort.Cancel();
        _pool.Dispose();
        _abort.Dispose();
    }
}
