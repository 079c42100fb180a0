namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>A set of <see cref="TraceFormat"/> values as a bit mask; a value type so the hot path never allocates.</summary>
public readonly record struct TraceFormatSet(byte Mask)
{
    public static TraceFormatSet Empty => default;

    public bool Contains(TraceFormat format) => (Mask & Bit(format)) != 0;

    public TraceFormatSet With(TraceFormat format) => new((byte)(Mask | Bit(format)));

    public static TraceFormatSet Of(IEnumerable<TraceFormat> formats)
    {
        var set = Empty;
        foreach (var format in formats)
        {
            set = set.With(format);
        }

        return set;
    }

    private static byte Bit(TraceFormat format) => (byte)(1 << (int)format);
}
