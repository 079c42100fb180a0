namespace EnvoyTraceFilter.Configuration;

/// <summary>TraceFilter:ClientIdentity — where the client address comes from (see README, "Client address").</summary>
public sealed class ClientIdentitySection
{
    /// <summary>Trusted (right-to-left X-Forwarded-For walk) or XRay (the X-Ray SDK's forgeable raw copy).</summary>
    public string Mode { get; set; } = "Trusted";

    /// <summary>Right-most X-Forwarded-For entries written by our own proxies (Envoy's appended peer counts).</summary>
    public int TrustedHops { get; set; }

    /// <summary>CIDRs of proxies whose X-Forwarded-For entries are skipped, e.g. 10.0.0.0/8.</summary>
    public string[] TrustedNetworks { get; set; } = [];

    /// <summary>Take Envoy's source.address as is (when Envoy's xff_num_trusted_hops already chose the client).</summary>
    public bool PreferSourceAddress { get; set; }

    public int MaxForwardedForLength { get; set; } = 2048;

    public int MaxForwardedForEntries { get; set; } = 32;

    /// <summary>Request header that receives the resolved client address for the app; empty = not written.</summary>
    public string? Header { get; set; }
}
