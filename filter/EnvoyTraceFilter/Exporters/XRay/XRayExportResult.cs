namespace EnvoyTraceFilter.Exporters.XRay;

/// <summary>What happened to one span; each value is a <c>result</c> tag on <c>tracefilter.export.spans</c>.</summary>
internal enum XRayExportResult
{
    Exported,
    DroppedQueueFull,
    Failed,
    DroppedIncompatibleId,
    DroppedTooLarge,
    DroppedInvalid,
    DroppedShutdown,
}
