namespace EnvoyTraceFilter.Telemetry;

/// <summary>
/// Lets one log line through per interval and counts the ones it holds back, so a problem that hits every
/// request or span (dead daemon, foreign ids, full queue, a failing handler) costs one line per interval.
/// Lock-free: called from request threads.
/// </summary>
internal sealed class LogLimiter(TimeProvider time, TimeSpan interval)
{
    private long _nextAllowedTicks;
    private long _suppressed;

    /// <summary>True when a line may be written now; <paramref name="suppressed"/> is how many were held back since.</summary>
    public bool TryAcquire(out long suppressed) => TryAcquire(interval, out suppressed);

    /// <summary>As <see cref="TryAcquire(out long)"/>, with an interval that may change between calls (live reload).</summary>
    public bool TryAcquire(TimeSpan currentInterval, out long suppressed)
    {
        var now = time.GetUtcNow().UtcTicks;
        var next = Volatile.Read(ref _nextAllowedTicks);
        if (now >= next && Interlocked.CompareExchange(ref _nextAllowedTicks, now + Math.Max(1, currentInterval.Ticks), next) == next)
        {
            suppressed = Interlocked.Exchange(ref _suppressed, 0);
            return true;
        }

        Interlocked.Increment(ref _suppressed);
        suppressed = 0;
        return false;
    }
}
