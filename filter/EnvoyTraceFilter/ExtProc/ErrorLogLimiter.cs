namespace EnvoyTraceFilter.ExtProc;

/// <summary>Lets one log line per kind through per interval, so a storm of identical errors cannot flood the log.</summary>
public sealed class ErrorLogLimiter(TimeProvider time)
{
    private readonly long[] _next = new long[Enum.GetValues<ErrorKind>().Length];

    public bool ShouldLog(ErrorKind kind, TimeSpan interval)
    {
        var now = time.GetTimestamp();
        ref var slot = ref _next[(int)kind];
        var due = Volatile.Read(ref slot);
        if (now < due)
        {
            return false;
        }

        var next = now + (long)(interval.TotalSeconds * time.TimestampFrequency);
        return Interlocked.CompareExchange(ref slot, next, due) == due;
    }
}
