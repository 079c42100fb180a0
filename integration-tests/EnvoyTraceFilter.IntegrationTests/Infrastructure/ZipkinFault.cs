namespace EnvoyTraceFilter.IntegrationTests.Infrastructure;

/// <summary>What a <see cref="ZipkinCollector"/> does with each POST.</summary>
public enum ZipkinFault
{
    /// <summary>Reads the spans and answers 202, as Zipkin does.</summary>
    None,

    /// <summary>Reads the request and answers 500 (the spans are not kept).</summary>
    Status500,

    /// <summary>Reads the request, waits <see cref="ZipkinCollector.SlowDelay"/>, then keeps the spans and answers 202.</summary>
    Slow,

    /// <summary>Reads the request and never answers (until the collector is disposed).</summary>
    HangAfterRead,
}
