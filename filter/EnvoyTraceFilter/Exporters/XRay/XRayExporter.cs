using EnvoyTraceFilter.Core.Spans;
using EnvoyTraceFilter.Exporters.Pipeline;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnvoyTraceFilter.Exporters.XRay;

/// <summary>
/// Sends one X-Ray segment per span to the daemon over UDP, off the request path, through the shared
/// <see cref="ExportPipeline{T}"/> (started and stopped as an <see cref="IHostedService"/>): the loop checks the
/// trace-id policy, formats and sends. Nothing it meets — full queue, dead daemon, bad span — reaches the caller:
/// every span ends in exactly one counted result.
/// </summary>
public sealed class XRayExporter : IHostedService, IAsyncDisposable, IDisposable, IBatchExporter<SpanRecord>, Telemetry.IExportQueue
{
    private readonly XRayExporterOptions _options;
    private readonly XRayExporterMetrics _metrics;
    private readonly ILogger _logger;
    private readonly IXRayEmitter _emitter;
    private readonly ExportPipeline<SpanRecord> _pipeline;
    private readonly XRaySegmentSender _sender;
    private readonly XRayExporterLimiters _limits;
    private readonly long[] _counts = new long[Enum.GetValues<XRayExportResult>().Length];
    private int _disposed;

    public XRayExporter(IOptions<XRayExporterOptions> options, XRayExporterMetrics metrics,
        ILogger<XRayExporter> logger, TimeProvider timeProvider)
        : this(options.Value, metrics, logger, timeProvider, emitter: null)
    {
    }

    internal XRayExporter(XRayExporterOptions options, XRayExporterMetrics metrics, ILogger logger,
        TimeProvider timeProvider, IXRayEmitter? emitter)
    {
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _emitter = emitter ?? new XRayUdpEmitter(
            options.ResolveDaemonAddress(Environment.GetEnvironmentVariable), options, timeProvider, logger, countError: metrics.RecordError);
        _limits = new XRayExporterLimiters(timeProvider, options.LogInterval);
        _sender = new XRaySegmentSender(options, _emitter, timeProvider, logger, _limits, metrics.RecordError);
        // One datagram per segment, so the batch size only bounds how long one wake-up keeps the loop busy.
        _pipeline = new ExportPipeline<SpanRecord>(this,
            new ExportPipelineSettings(options.QueueCapacity, MaxBatchSize: 512, options.BatchDelay, options.ShutdownDrainTimeout));
    }

    /// <summary>Spans sent to the daemon (the send succeeded locally; UDP gives no delivery receipt).</summary>
    public long Exported => Count(XRayExportResult.Exported);

    /// <summary>Spans dropped on purpose: queue full, incompatible id, too large, invalid, or unsent at shutdown.</summary>
    public long Dropped => Count(XRayExportResult.DroppedQueueFull) + Count(XRayExportResult.DroppedIncompatibleId) +
                           Count(XRayExportResult.DroppedTooLarge) + Count(XRayExportResult.DroppedInvalid) +
                           Count(XRayExportResult.DroppedShutdown);

    /// <summary>Spans whose send failed (socket error, no resolved address, unexpected exception).</summary>
    public long Failed => Count(XRayExportResult.Failed);

    string Telemetry.IExportQueue.ExporterName => "xray";

    /// <summary>Spans queued and not sent yet (the queue-depth gauge).</summary>
    public int QueueDepth => _pipeline.QueueDepth;

    /// <summary>Test hook: called on the sending loop after each span's result is counted.</summary>
    internal Action<XRayExportResult>? Processed { get; set; }

    internal long Count(XRayExportResult result) => Interlocked.Read(ref _counts[(int)result]);

    /// <summary>Queues <paramref name="span"/> for sending; false (and counted) when the queue is full or stopping.</summary>
    public bool TryEnqueue(SpanRecord span)
    {
        ArgumentNullException.ThrowIfNull(span);
        return _pipeline.TryEnqueue(span);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Registered as a hosted service either way; a disabled exporter neither starts its loop nor says it did.
        if (_options.Enabled && Volatile.Read(ref _disposed) == 0)
        {
            XRayExporterLog.Started(_logger, _emitter.Describe(), _options.TraceIdPolicy, _options.QueueCapacity);
            _pipeline.Start();
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops taking spans, sends what is queued until the drain deadline, then drops and counts the rest.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _pipeline.StopAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _pipeline.DisposeAsync().ConfigureAwait(false);
        _emitter.Dispose();
    }

    /// <summary>Synchronous disposal: stops at once (no drain) and closes the socket.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _pipeline.StopAsync(new CancellationToken(canceled: true)).GetAwaiter().GetResult();
        _emitter.Dispose();
    }

    async ValueTask IBatchExporter<SpanRecord>.ExportAsync(IReadOnlyList<SpanRecord> batch, CancellationToken abort)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var result = abort.IsCancellationRequested
                ? XRayExportResult.DroppedShutdown
                : await _sender.SendAsync(batch[i], abort).ConfigureAwait(false);
            Record(result);
            Processed?.Invoke(result);
        }
    }

    void IBatchExporter<SpanRecord>.Dropped(PipelineDrop reason, int count)
    {
        var result = reason switch
        {
            PipelineDrop.Shutdown => XRayExportResult.DroppedShutdown,
            PipelineDrop.QueueFull => XRayExportResult.DroppedQueueFull,
            _ => XRayExportResult.Failed,
        };
        for (var i = 0; i < count; i++)
        {
            Record(result);
        }

        if (reason == PipelineDrop.QueueFull && _limits.QueueFull.TryAcquire(out var suppressed))
        {
            XRayExporterLog.QueueFull(_logger, _options.QueueCapacity, suppressed);
        }
        else if (reason == PipelineDrop.Shutdown && count > 1)
        {
            XRayExporterLog.ShutdownDropped(_logger, count, _options.ShutdownDrainTimeout);
        }
    }

    private void Record(XRayExportResult result)
    {
        Interlocked.Increment(ref _counts[(int)result]);
        _metrics.Record(result);
    }
}
