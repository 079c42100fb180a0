namespace EnvoyTraceFilter.Exporters.Pipeline;

/// <summary>Why the pipeline dropped spans before an exporter saw them.</summary>
internal enum PipelineDrop
{
    /// <summary>The queue was full when the request finished (the collector is slower than the traffic).</summary>
    QueueFull,

    /// <summary>Still queued when the shutdown drain deadline passed, or offered after shutdown began.</summary>
    Shutdown,

    /// <summary>The exporter threw instead of counting the batch (a bug): the batch is counted as failed.</summary>
    ExporterFault,
}
