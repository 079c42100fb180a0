namespace EnvoyTraceFilter.Core.ClientIdentity;

/// <summary>Why X-Forwarded-For was ignored, or only partly used. Names are metric tag values.</summary>
public enum ForwardedForRejectReason : byte
{
    /// <summary>Header used as configured, or absent / empty / whitespace only (nothing to reject).</summary>
    None = 0,

    /// <summary>Longer than <see cref="ClientAddressOptions.MaxForwardedForLength"/> bytes: ignored entirely.</summary>
    TooLong,

    /// <summary>More than <see cref="ClientAddressOptions.MaxForwardedForEntries"/> entries: ignored entirely.</summary>
    TooManyEntries,

    /// <summary>
    /// No entry left of the <see cref="ClientAddressOptions.TrustedHops"/> positions: the header is shorter than our own
    /// proxy chain, so nobody we trust named a client. Ignored entirely (as Envoy's <c>xff_num_trusted_hops</c> does).
    /// </summary>
    TooFewEntries,

    /// <summary>
    /// The walk met an entry that is not an IP address (<c>unknown</c>, <c>_hidden</c>, empty, text, zone id, too long)
    /// and stopped: the result is the last trusted entry, or the peer if there was none.
    /// </summary>
    GarbageEntry,
}
