namespace EnvoyTraceFilter.Core.ClientIdentity;

/// <summary>Which input the resolved client address was taken from.</summary>
public enum ClientAddressSource : byte
{
    /// <summary>No usable input: no address.</summary>
    None = 0,

    /// <summary>An entry (or, in X-Ray mode, the whole value) of <c>x-forwarded-for</c>.</summary>
    ForwardedFor,

    /// <summary>Envoy's <c>source.address</c> request attribute, port stripped.</summary>
    SourceAddress,

    /// <summary>Envoy's <c>x-envoy-external-address</c> header (only when <c>source.address</c> is unusable).</summary>
    EnvoyExternalAddress,
}
