namespace EnvoyTraceFilter.Exporters.Pipeline;

/// <summary>
/// The backend half of an <see cref="ExportPipeline{T}"/>: sends one batch and counts each item's outcome.
/// Called on the pipeline's own loop, one batch at a time, so it needs no locking.
/// </summary>
internal interface IBatchExporter<T>
{
    /// <summary>Sends <paramref name="batch"/>; must count every item's result and must not throw.</summary>
    ValueTask ExportAsync(IReadOnlyList<T> batch, CancellationToken abort);

    /// <summary>Counts items the pipeline dropped before they reached <see cref="ExportAsync"/>.</summary>
    void Dropped(PipelineDrop reason, int count);
}
