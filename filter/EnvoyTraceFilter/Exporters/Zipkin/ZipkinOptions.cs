namespace EnvoyTraceFilter.Exporters.Zipkin;

/// <summary>Settings under <c>TraceFilter:Zipkin</c>: the OpenTelemetry SDK exporter that sends each sampled span.</summary>
public sealed class ZipkinOptions
{
    public const string SectionName = "TraceFilter:Zipkin";

    public bool Enabled { get; set; } = true;

    /// <summary>Zipkin (v2 JSON, default), Otlp (OTLP/HTTP protobuf; Zipkin ≥2.24 and every collector accept it) or Console.</summary>
    public string Protocol { get; set; } = "Zipkin";

    /// <summary>
    /// Collector URL. Unset: for Zipkin, OTEL_EXPORTER_ZIPKIN_ENDPOINT, else http://localhost:9411/api/v2/spans;
    /// for Otlp, the OTEL_EXPORTER_OTLP_* variables, else http://localhost:4318/v1/traces.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>Spans waiting to be sent; a full queue drops the new span (counted).</summary>
    public int QueueCapacity { get; set; } = 2048;

    /// <summary>Spans per POST at most.</summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>How long a batch may wait to fill before a partial one is sent.</summary>
    public TimeSpan BatchDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>One POST may take this long before it counts as failed.</summary>
    public TimeSpan ExportTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long shutdown keeps sending what is queued before dropping the rest (counted).</summary>
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
