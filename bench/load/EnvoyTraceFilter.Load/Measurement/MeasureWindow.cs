using System.Diagnostics;

namespace EnvoyTraceFilter.Load.Measurement;

/// <summary>
/// The measured interval in Stopwatch ticks. A request counts when it was due to start and finished inside it,
/// so warm-up and the drain at the end are excluded; errors count while the window is open.
/// </summary>
internal sealed class MeasureWindow
{
    private long _start = long.MaxValue;
    private long _end = long.MaxValue;

    public long Start => Volatile.Read(ref _start);

    public long End => Volatile.Read(ref _end);

    public void Open(long start, long end)
    {
        Volatile.Write(ref _end, end);
        Volatile.Write(ref _start, start);
    }

    public bool Contains(long start, long end) => start >= Start && end <= End;

    public bool IsOpen(long now) => now >= Start && now <= End;

    public static long Now => Stopwatch.GetTimestamp();
}
