namespace EnvoyTraceFilter.Telemetry;

/// <summary>An exporter's bounded queue, as the queue-depth gauge reads it.</summary>
public interface IExportQueue
{
    /// <summary>The <c>exporter</c> tag value ("zipkin", "xray").</summary>
    string ExporterName { get; }

    /// <summary>Spans waiting to be sent now.</summary>
    int QueueDepth { get; }
}
