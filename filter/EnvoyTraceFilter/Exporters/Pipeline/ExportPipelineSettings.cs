namespace EnvoyTraceFilter.Exporters.Pipeline;

/// <summary>How one exporter's pipeline queues and batches; fixed for the life of the process.</summary>
/// <param name="QueueCapacity">Items waiting at most; a full queue drops the new item (counted).</param>
/// <param name="MaxBatchSize">Items per export call at most.</param>
/// <param name="BatchDelay">How long the loop lets a batch fill before sending a partial one (zero: send at once).</param>
/// <param name="DrainTimeout">How long shutdown keeps exporting what is queued before dropping the rest (counted).</param>
internal sealed record ExportPipelineSettings(int QueueCapacity, int MaxBatchSize, TimeSpan BatchDelay, TimeSpan DrainTimeout);
