using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EnvoyTraceFilter.Load;

/// <summary>
/// Sleeps until an absolute Stopwatch timestamp with clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME), the clock
/// Stopwatch reads on Linux, so the open-loop dispatcher wakes when the next request is due instead of on a
/// 1 ms tick (latency counts from the due time, so tick lag would show up as latency).
/// </summary>
internal static partial class OpenLoopClock
{
    private const int ClockMonotonic = 1;
    private const int TimerAbsolute = 1;

    public static void SleepUntil(long timestamp)
    {
        if (Stopwatch.Frequency != 1_000_000_000 || !OperatingSystem.IsLinux())
        {
            var wait = timestamp - Stopwatch.GetTimestamp();
            if (wait > 0)
            {
                Thread.Sleep(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency));
            }

            return;
        }

        var spec = new TimeSpec { Seconds = timestamp / 1_000_000_000, Nanoseconds = timestamp % 1_000_000_000 };
        while (ClockNanosleep(ClockMonotonic, TimerAbsolute, ref spec, IntPtr.Zero) == 4 /* EINTR */)
        {
        }
    }

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clock, int flags, ref TimeSpec request, IntPtr remain);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
