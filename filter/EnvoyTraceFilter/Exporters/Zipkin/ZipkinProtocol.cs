namespace EnvoyTraceFilter.Exporters.Zipkin;

public enum ZipkinProtocol
{
    Zipkin,
    Otlp,
    Console,
}
