namespace EnvoyTraceFilter.Core.Analysis;

/// <summary>Optional request headers that hand the filter's findings to the app; null names are not written.</summary>
/// <param name="ClientAddress">Receives the resolved (trusted) client address, never a raw X-Forwarded-For.</param>
/// <param name="ServiceName">Receives the service name chosen by the naming rules.</param>
public sealed record AppHeaders(string? ClientAddress, string? ServiceName)
{
    public static readonly AppHeaders None = new(null, null);
}
