namespace EnvoyTraceFilter.Core.ClientIdentity;

/// <summary>The resolved client of one request.</summary>
/// <param name="Address">
/// Canonical text without port (<see cref="System.Net.IPAddress.ToString"/> form, IPv4-mapped IPv6 unwrapped), or
/// <see langword="null"/> when no input was usable. In <see cref="ClientAddressMode.XRay"/> mode with X-Forwarded-For
/// present, the raw header text instead.
/// </param>
/// <param name="FromForwardedFor">
/// X-Ray's <c>http.request.x_forwarded_for</c>: true when the address did not come from our own TCP peer (an XFF entry,
/// or a <c>source.address</c> that Envoy itself derived from a header, recognisable by port 0).
/// </param>
/// <param name="Source">Which input the address came from.</param>
/// <param name="ForwardedForRejectReason">Why XFF was ignored or only partly used; <see cref="ClientIdentity.ForwardedForRejectReason.None"/> otherwise.</param>
public readonly record struct ClientAddress(
    string? Address,
    bool FromForwardedFor,
    ClientAddressSource Source,
    ForwardedForRejectReason ForwardedForRejectReason)
{
    /// <summary>No usable input.</summary>
    public static ClientAddress Unknown => default;
}
