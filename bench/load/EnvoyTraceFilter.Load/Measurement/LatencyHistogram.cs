using System.Diagnostics;

namespace EnvoyTraceFilter.Load.Measurement;

/// <summary>
/// Latency histogram over Stopwatch ticks: exact below 512 ticks, then 256 buckets per power of two (under 0.4 %
/// relative error). Not thread-safe: each connection records into its own and they are merged at the end.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int Exact = 512;
    private const int SubBuckets = 256;
    private readonly long[] _counts = new long[Exact + (63 - 9) * SubBuckets];

    public long Count { get; private set; }

    public long Max { get; private set; }

    public void Record(long ticks)
    {
        ticks = Math.Max(ticks, 0);
        _counts[Index(ticks)]++;
        Count++;
        if (ticks > Max)
        {
            Max = ticks;
        }
    }

    public void Add(LatencyHistogram other)
    {
        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>The value at percentile <paramref name="p"/> (0..100) in microseconds, or null when empty.</summary>
    public double? PercentileMicros(double p)
    {
        if (Count == 0)
        {
            return null;
        }

        long rank = Math.Max(1, (long)Math.Ceiling(p / 100.0 * Count));
        long seen = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Round(Math.Min(Midpoint(i), Max) * 1e6 / Stopwatch.Frequency, 1);
            }
        }

        return Math.Round(Max * 1e6 / Stopwatch.Frequency, 1);
    }

    private static int Index(long value)
    {
        if (value < Exact)
        {
            return (int)value;
        }

        int msb = 63 - (int)long.LeadingZeroCount(value); // >= 9
        int shift = msb - 8;
        return Exact + (msb - 9) * SubBuckets + (int)((value >> shift) - SubBuckets);
    }

    private static long Midpoint(int index)
    {
        if (index < Exact)
        {
            return index;
        }

        int group = (index - Exact) / SubBuckets;
        int sub = (index - Exact) % SubBuckets;
        int shift = group + 1;
        return ((long)(sub + SubBuckets) << shift) + (1L << shift) / 2;
    }
}
