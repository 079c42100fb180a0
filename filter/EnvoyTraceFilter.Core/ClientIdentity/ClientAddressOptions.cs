using System.Net;

namespace EnvoyTraceFilter.Core.ClientIdentity;

/// <summary>Client-address settings; validated and compiled once by <see cref="ClientAddressResolver"/>.</summary>
public sealed record ClientAddressOptions
{
    public const int DefaultMaxForwardedForLength = 2048;
    public const int DefaultMaxForwardedForEntries = 32;

    // Envoy's default max_request_headers_kb is 60 KiB, so a longer XFF cannot reach us anyway.
    internal const int MaxForwardedForLengthLimit = 64 * 1024;
    internal const int MaxForwardedForEntriesLimit = 1024;

    public ClientAddressMode Mode { get; init; } = ClientAddressMode.Trusted;

    /// <summary>
    /// How many right-most XFF entries (as the ext_proc sees the header, i.e. after Envoy appended its peer when
    /// <c>use_remote_address</c> is true) belong to our own proxies and are skipped without looking at them.
    /// </summary>
    public int TrustedHops { get; init; }

    /// <summary>
    /// Entries inside these networks are skipped as our own proxies. Empty by default; loopback is not trusted unless
    /// listed (unlike ASP.NET Core's KnownIPNetworks). IPv4-mapped IPv6 networks (prefix ≥ 96) also match plain IPv4.
    /// </summary>
    public IReadOnlyList<IPNetwork> TrustedNetworks { get; init; } = [];

    /// <summary>
    /// When true and <c>source.address</c> parses, use it and skip XFF: Envoy's own <c>xff_num_trusted_hops</c> already
    /// chose the client. Otherwise fall back to the XFF walk.
    /// </summary>
    public bool PreferSourceAddress { get; init; }

    public int MaxForwardedForLength { get; init; } = DefaultMaxForwardedForLength;

    public int MaxForwardedForEntries { get; init; } = DefaultMaxForwardedForEntries;

    /// <summary>Every problem at once, each naming the setting and the fix; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Mode))
        {
            errors.Add($"ClientIdentity:Mode: '{Mode}' is not a mode; use Trusted or XRay.");
        }

        if (MaxForwardedForLength is < 1 or > MaxForwardedForLengthLimit)
        {
            errors.Add($"ClientIdentity:MaxForwardedForLength: {MaxForwardedForLength} is outside 1..{MaxForwardedForLengthLimit}.");
        }

        if (MaxForwardedForEntries is < 1 or > MaxForwardedForEntriesLimit)
        {
            errors.Add($"ClientIdentity:MaxForwardedForEntries: {MaxForwardedForEntries} is outside 1..{MaxForwardedForEntriesLimit}.");
        }

        if (TrustedHops < 0 || TrustedHops >= MaxForwardedForEntries)
        {
            errors.Add($"ClientIdentity:TrustedHops: {TrustedHops} must be 0 or more and less than MaxForwardedForEntries ({MaxForwardedForEntries}); use the number of proxies that append to X-Forwarded-For.");
        }

        if (TrustedNetworks is null)
        {
            errors.Add("ClientIdentity:TrustedNetworks: must not be null; use an empty list to trust no network.");
        }

        return errors;
    }
}
