namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>
/// Grants at most <c>perSecond</c> requests in each wall-clock second (UTC, whole Unix seconds), per process.
/// Lock-free: the current second and the count used in it share one 64-bit word updated by compare-and-swap,
/// so a second change and a grant can never interleave into an over-grant.
/// </summary>
internal sealed class Reservoir
{
    private readonly uint _perSecond;
    private readonly TimeProvider _time;

    // High 32 bits: Unix second (wraps in 2106, harmless: only equality is compared). Low 32 bits: grants used.
    private long _state;

    public Reservoir(int perSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(perSecond);
        _perSecond = (uint)perSecond;
        _time = time;

        // Start in "second 0, all used" so the first call in any real second refills.
        _state = (long)_perSecond;
    }

    public bool TryTake()
    {
        if (_perSecond == 0)
        {
            return false;
        }

        var second = (uint)_time.GetUtcNow().ToUnixTimeSeconds();
        while (true)
        {
            var state = Volatile.Read(ref _state);
            var stateSecond = (uint)((ulong)state >> 32);
            var used = (uint)state;

            long next;
            if (stateSecond != second)
            {
                // Any change of second refills, also a backwards clock step: at most one extra refill per step.
                next = Pack(second, 1);
            }
            else if (used < _perSecond)
            {
                next = Pack(second, used + 1);
            }
            else
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _state, next, state) == state)
            {
                return true;
            }
        }
    }

    private static long Pack(uint second, uint used) => (long)(((ulong)second << 32) | used);
}
