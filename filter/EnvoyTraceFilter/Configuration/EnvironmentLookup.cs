namespace EnvoyTraceFilter.Configuration;

/// <summary>Reads an environment variable (AWS_XRAY_TRACING_NAME); injected so tests never touch the process environment.</summary>
public delegate string? EnvironmentLookup(string name);
