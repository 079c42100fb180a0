namespace EnvoyTraceFilter.Exporters.XRay;

/// <summary>
/// Lets one log line through per interval and counts the ones it holds back, so a problem that hits every
/// span (dead daemon, foreign ids, full queue) costs one line per interval, not one per request.
/// Lock-free: <see cref="TryAcquire"/> is called from request threads on the queue-full path.
/// </summary>
internal sealed class XRayLogLimiter(TimeProvider time, TimeSpan interval)
{
    private readonly long _intervalTicks = Math.Max(1, interval.Ticks);
    private long _nextAllowedTicks;
    private long _suppressed;

    /// <summary>True when a line may be written now; <paramref name="suppressed"/> is how many were held back since.</summary>
    public bool TryAcquire(out long suppressed)
    {
        var now = time.GetUtcNow().UtcTicks;
        var next = Volatile.Read(ref _nextAllowedTicks);
        if (now >= next && Interlocked.CompareExchange(ref _nextAllowedTicks, now + _intervalTicks, next) == next)
        {
            suppressed = Interlocked.Exchange(ref _suppressed, 0);
            return true;
        }

        Interlocked.Increment(ref _suppressed);
        suppressed = 0;
        return false;
    }
}
