namespace EnvoyTraceFilter.Configuration;

/// <summary>See <see cref="ExtProcOptions.FinishStreamAfter"/>.</summary>
public enum FinishStreamAfter
{
    ResponseHeaders,
    RequestHeaders,
    Never,
}
