namespace EnvoyTraceFilter.NullServer;

/// <summary>Whether the call ends right after the response_headers answer (the filter's default, Envoy's header-only mode).</summary>
internal sealed record NullProcessorOptions(bool FinishAfterResponseHeaders);
