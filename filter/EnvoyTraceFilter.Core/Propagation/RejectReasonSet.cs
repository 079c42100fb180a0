namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>A set of <see cref="RejectReason"/> values as a bit mask: the parts of one header that were ignored.</summary>
public readonly record struct RejectReasonSet(uint Mask)
{
    public bool IsEmpty => Mask == 0;

    public bool Contains(RejectReason reason) => (Mask & Bit(reason)) != 0;

    public RejectReasonSet With(RejectReason reason) => new(Mask | Bit(reason));

    public RejectReasonSet Union(RejectReasonSet other) => new(Mask | other.Mask);

    private static uint Bit(RejectReason reason) => 1u << (int)reason;
}
