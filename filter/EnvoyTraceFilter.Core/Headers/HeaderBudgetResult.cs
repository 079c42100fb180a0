namespace EnvoyTraceFilter.Core.Headers;

/// <summary>Which output groups of a <see cref="HeaderEdits"/> may be sent, and which were dropped and why.</summary>
public readonly struct HeaderBudgetResult
{
    internal HeaderBudgetResult(int kept, int droppedForLimit, int droppedInvalid, bool removeStaleB3)
    {
        KeptMask = kept;
        DroppedForLimitMask = droppedForLimit;
        DroppedInvalidMask = droppedInvalid;
        RemoveStaleB3 = removeStaleB3;
    }

    internal int KeptMask { get; }

    internal int DroppedForLimitMask { get; }

    internal int DroppedInvalidMask { get; }

    /// <summary>
    /// The <c>b3</c> group was dropped and a <c>b3</c> header arrived: remove it, because every B3 reader prefers
    /// it to the B3 multi set the filter writes, and it names the caller's span instead of this hop's.
    /// </summary>
    public bool RemoveStaleB3 { get; }

    /// <summary>Nothing may be sent: not even the minimum fits (or every value was invalid). Send no mutation.</summary>
    public bool Withheld => KeptMask == 0 && (DroppedForLimitMask | DroppedInvalidMask) != 0;

    public bool Keeps(OutputGroup group) => (KeptMask & (1 << (int)group)) != 0;

    /// <summary>Dropped because the result would cross Envoy's header count or size limit.</summary>
    public bool DroppedForLimit(OutputGroup group) => (DroppedForLimitMask & (1 << (int)group)) != 0;

    /// <summary>Dropped because a value held a byte Envoy rejects (its mutation would be a 500).</summary>
    public bool DroppedInvalid(OutputGroup group) => (DroppedInvalidMask & (1 << (int)group)) != 0;
}
