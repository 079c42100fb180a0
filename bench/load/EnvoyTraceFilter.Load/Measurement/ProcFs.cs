using System.Globalization;

namespace EnvoyTraceFilter.Load.Measurement;

/// <summary>Linux /proc readings: a process's CPU time and peak RSS, the machine's busy time and load average.</summary>
internal static class ProcFs
{
    /// <summary>USER_HZ: the unit of the times in /proc/&lt;pid&gt;/stat and /proc/stat (100 on every Linux we run on).</summary>
    public const double TicksPerSecond = 100.0;

    /// <summary>utime + stime of a process in clock ticks, or null when it is gone.</summary>
    public static long? ProcessCpuTicks(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        // The command name (field 2) may contain spaces and ')': count fields after the last ')'.
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state); utime is field 14, stime field 15.
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    /// <summary>Peak resident set size (VmHWM) in KiB, or null.</summary>
    public static long? PeakRssKiB(int pid) => StatusField(pid, "VmHWM:");

    /// <summary>Current resident set size (VmRSS) in KiB, or null.</summary>
    public static long? RssKiB(int pid) => StatusField(pid, "VmRSS:");

    /// <summary>Busy and total jiffies of the whole machine (all cores) from /proc/stat.</summary>
    public static (long Busy, long Total) MachineTicks()
    {
        var first = File.ReadLines("/proc/stat").First();
        var values = first.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        long idle = values[3] + values[4]; // idle + iowait
        long total = values.Sum();
        return (total - idle, total);
    }

    public static string LoadAverage()
    {
        var parts = File.ReadAllText("/proc/loadavg").Split(' ');
        return $"{parts[0]} {parts[1]} {parts[2]}";
    }

    public static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        ?? "unknown";

    private static long? StatusField(int pid, string prefix)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
            return line is null ? null : long.Parse(line[prefix.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
