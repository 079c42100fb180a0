using System.Diagnostics;
using System.Diagnostics.Metrics;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Spans;
using EnvoyTraceFilter.Exporters.Pipeline;
using Microsoft.Extensions.Options;
using OpenTelemetry;

namespace EnvoyTraceFilter.Exporters.Zipkin;

/// <summary>
/// Sends sampled spans through the OpenTelemetry SDK exporter (Zipkin v2 JSON, OTLP or console, per
/// <c>TraceFilter:Zipkin:Protocol</c>), off the request path, through the shared <see cref="ExportPipeline{T}"/>.
/// Each batch is split by service name and handed to that name's exporter, one POST per name and batch.
/// </summary>
public sealed class ZipkinSpanExporter : IHostedService, IDisposable, IBatchExporter<ZipkinItem>, Telemetry.IExportQueue
{
    private static readonly KeyValuePair<string, object?> ExporterTag = new("exporter", "zipkin");

    private readonly ServiceExporterPool _pool;
    private readonly HopActivities _activities = new();
    private readonly ExportPipeline<ZipkinItem> _pipeline;
    private readonly Counter<long> _spans;
    private readonly Counter<long> _errors;
    private readonly Dictionary<string, List<Activity>> _byService = new(StringComparer.Ordinal);
    private long _exported;
    private long _dropped;
    private long _failed;
    private int _disposed;
    // Set when a POST of the current batch timed out or could not connect (see ExportAsync).
    private bool _unreachable;

    public ZipkinSpanExporter(IOptions<ZipkinOptions> options, IMeterFactory meters)
    {
        var settings = options.Value;
        var protocol = Enum.Parse<ZipkinProtocol>(settings.Protocol, ignoreCase: true);
        _errors = ExportErrorCounter.Create(meters);
        _pool = new ServiceExporterPool(protocol, settings, CountError);
        _pipeline = new ExportPipeline<ZipkinItem>(this,
            new ExportPipelineSettings(settings.QueueCapacity, settings.MaxBatchSize, settings.BatchDelay, settings.ShutdownDrainTimeout));
        _spans = ExportSpanCounter.Create(meters);
    }

    public long Exported => Interlocked.Read(ref _exported);

    public long Dropped => Interlocked.Read(ref _dropped);

    public long Failed => Interlocked.Read(ref _failed);

    string Telemetry.IExportQueue.ExporterName => "zipkin";

    /// <summary>Spans queued and not sent yet (the queue-depth gauge).</summary>
    public int QueueDepth => _pipeline.QueueDepth;

    /// <summary>Test hook: runs on the export loop after each batch.</summary>
    internal Action? BatchDone
    {
        get => _pipeline.BatchDone;
        set => _pipeline.BatchDone = value;
    }

    /// <summary>
    /// Starts the Activity that will carry a sampled hop's span and whose span id the hop uses; null when the
    /// runtime declined to create one (then the span is not sent to this exporter).
    /// </summary>
    internal Activity? StartActivity(TraceId traceId, SpanId parent) => _activities.Start(traceId, parent);

    /// <summary>Queues a finished span; false (counted as dropped) when the queue is full or shutting down.</summary>
    internal bool TryEnqueue(SpanRecord span, Activity activity) => _pipeline.TryEnqueue(new ZipkinItem(span, activity));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _pipeline.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _pipeline.StopAsync(cancellationToken);

    ValueTask IBatchExporter<ZipkinItem>.ExportAsync(IReadOnlyList<ZipkinItem> batch, CancellationToken abort)
    {
        // The exporter's service name comes from its resource, so a POST can only carry one service's spans.
        foreach (var item in batch)
        {
            SpanActivityWriter.Write(item.Record, item.Activity);
            if (!_byService.TryGetValue(item.Record.ServiceName, out var list))
            {
                _byService[item.Record.ServiceName] = list = [];
            }

            list.Add(item.Activity);
        }

        // One POST per service: against a hung collector each would wait out ExportTimeout in turn, so a batch of many
        // services would hold the loop for minutes. Once one POST times out or cannot connect, the rest of the batch
        // is counted failed without trying; the next batch tries again.
        _unreachable = false;
        foreach (var (service, activities) in _byService)
        {
            if (activities.Count == 0)
            {
                continue;
            }

            var items = activities.ToArray();
            activities.Clear();
            if (_unreachable)
            {
                Count(ref _failed, "failed", items.Length);
                continue;
            }

            ExportResult result;
            try
            {
                result = _pool.Get(service).Export(new Batch<Activity>(items, items.Length));
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

        return ValueTask.CompletedTask;
    }

    void IBatchExporter<ZipkinItem>.Dropped(PipelineDrop reason, int count)
    {
        switch (reason)
        {
            case PipelineDrop.QueueFull:
                Count(ref _dropped, "dropped_queue_full", count);
                break;
            case PipelineDrop.Shutdown:
                Count(ref _dropped, "dropped_shutdown", count);
                break;
            default:
                Count(ref _failed, "failed", count);
                break;
        }
    }

    private void CountError(string error)
    {
        _unreachable |= error is ExportErrors.Timeout or ExportErrors.ConnectionRefused or ExportErrors.Connection;
        _errors.Add(1, ExporterTag, new KeyValuePair<string, object?>("error", error));
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

        _pipeline.StopAsync(new CancellationToken(canceled: true)).GetAwaiter().GetResult();
        _pool.Dispose();
        _activities.Dispose();
    }
}
