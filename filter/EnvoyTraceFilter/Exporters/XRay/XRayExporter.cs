using System.Threading.Channels;
using EnvoyTraceFilter.Core.Spans;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EnvoyTraceFilter.Exporters.XRay;

/// <summary>
/// Sends one X-Ray segment per span to the daemon over UDP, off the request path. <see cref="TryEnqueue"/> never
/// blocks: a bounded queue feeds one background loop (started and stopped as an <see cref="IHostedService"/>) that
/// checks the trace-id policy, formats and sends. Nothing it meets — full queue, dead daemon, bad span — reaches
/// the caller: every span ends in exactly one counted result.
/// </summary>
public sealed class XRayExporter : IHostedService, IAsyncDisposable, IDisposable, Telemetry.IExportQueue
{
    private readonly XRayExporterOptions _options;
    private readonly XRayExporterMetrics _metrics;
    private readonly ILogger _logger;
    private readonly IXRayEmitter _emitter;
    private readonly Channel<SpanRecord> _queue;
    private readonly XRaySegmentSender _sender;
    private readonly XRayExporterLimiters _limits;
    private readonly long[] _counts = new long[Enum.GetValues<XRayExportResult>().Length];
    // Never given a timer, so it needs no disposal; disposing it could race the loop reading its token.
    private readonly CancellationTokenSource _abort = new();
    private volatile bool _stopping;
    private Task? _loop;

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
            options.ResolveDaemonAddress(Environment.GetEnvironmentVariable), options, timeProvider, logger);
        _limits = new XRayExporterLimiters(timeProvider, options.LogInterval);
        _sender = new XRaySegmentSender(options, _emitter, timeProvider, logger, _limits);
        _queue = Channel.CreateBounded<SpanRecord>(new BoundedChannelOptions(options.QueueCapacity)
        {
            // Wait + TryWrite = refuse when full without blocking; the loop's continuations never run on the caller.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false, // StopAsync drains leftovers while the loop may still be reading.
            SingleWriter = false,
            AllowSynchronousContinuations = false,
        });
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
    public int QueueDepth => _queue.Reader.Count;

    /// <summary>Test hook: called on the sending loop after each span's result is counted.</summary>
    internal Action<XRayExportResult>? Processed { get; set; }

    internal long Count(XRayExportResult result) => Interlocked.Read(ref _counts[(int)result]);

    /// <summary>Queues <paramref name="span"/> for sending; false (and counted) when the queue is full or stopping.</summary>
    public bool TryEnqueue(SpanRecord span)
    {
        ArgumentNullException.ThrowIfNull(span);
        if (_queue.Writer.TryWrite(span))
        {
            return true;
        }

        if (_stopping)
        {
            Record(XRayExportResult.DroppedShutdown);
            return false;
        }

        Record(XRayExportResult.DroppedQueueFull);
        if (_limits.QueueFull.TryAcquire(out var suppressed))
        {
            XRayExporterLog.QueueFull(_logger, _options.QueueCapacity, suppressed);
        }

        return false;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_loop is null && !_stopping)
        {
            XRayExporterLog.Started(_logger, _emitter.Describe(), _options.TraceIdPolicy, _options.QueueCapacity);
            _loop = Task.Run(() => RunAsync(_abort.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops taking spans, sends what is queued until the drain deadline, then drops and counts the rest.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        _queue.Writer.TryComplete();
        if (_loop is { } loop)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(_options.ShutdownDrainTimeout);
            try
            {
                await loop.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Deadline reached: what is still queued is dropped below.
            }
        }

        await _abort.CancelAsync().ConfigureAwait(false);
        long dropped = 0;
        while (_queue.Reader.TryRead(out _))
        {
            Record(XRayExportResult.DroppedShutdown);
            dropped++;
        }

        if (dropped > 0)
        {
            XRayExporterLog.ShutdownDropped(_logger, dropped, _options.ShutdownDrainTimeout);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _emitter.Dispose();
    }

    /// <summary>Synchronous disposal (no drain): stops the loop and closes the socket.</summary>
    public void Dispose()
    {
        _stopping = true;
        _queue.Writer.TryComplete();
        _abort.Cancel();
        _emitter.Dispose();
    }

    private async Task RunAsync(CancellationToken abort)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(abort).ConfigureAwait(false))
            {
                while (!abort.IsCancellationRequested && _queue.Reader.TryRead(out var span))
                {
                    var result = await _sender.SendAsync(span, abort).ConfigureAwait(false);
                    Record(result);
                    Processed?.Invoke(result);
                }
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            // Shutdown deadline passed; StopAsync counts what is left.
        }
    }

    private void Record(XRayExportResult result)
    {
        Interlocked.Increment(ref _counts[(int)result]);
        _metrics.Record(result);
    }
}
