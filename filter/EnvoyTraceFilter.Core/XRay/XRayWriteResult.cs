namespace EnvoyTraceFilter.Core.XRay;

/// <summary>Outcome of <see cref="XRaySegmentWriter.Write"/>.</summary>
public enum XRayWriteResult
{
    /// <summary>The full document fits the datagram cap.</summary>
    Written,

    /// <summary>Fits only without the optional parts (user agent, tag annotations); still valid JSON.</summary>
    WrittenWithoutOptional,

    /// <summary>Too large even without optional parts; nothing to send.</summary>
    TooLarge,

    /// <summary>Missing what X-Ray requires (trace id, span id, name, start time); nothing to send.</summary>
    Invalid,
}
