namespace EnvoyTraceFilter.Core.Naming;

/// <summary>Why the fallback name was used. Names are metric tag values.</summary>
public enum ServiceNameFallbackReason : byte
{
    /// <summary>Not a fallback.</summary>
    None = 0,

    /// <summary><c>:authority</c> absent or empty (ALB health checks send no Host).</summary>
    NoHost,

    /// <summary>A well-formed host that no rule matches.</summary>
    NoMatch,

    /// <summary>A host no real client sends: bad characters, bad port, empty labels, over-long.</summary>
    ForgedHost,

    /// <summary>A matching rule would use the host, but the process already has the maximum of distinct host names.</summary>
    CardinalityLimit,
}
