namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>
/// Random ids. New trace ids carry the current Unix time in their first 32 bits, the rest random, so a
/// trace we start is also a valid X-Ray trace id (X-Ray checks that part is a recent epoch second) and
/// still a valid W3C/B3 id.
/// </summary>
public sealed class RandomIdGenerator(TimeProvider time) : IIdGenerator
{
    public SpanId NewSpanId()
    {
        ulong value;
        do
        {
            value = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);
        }
        while (value == 0);

        return new SpanId(value);
    }

    public TraceId NewTraceId()
    {
        var epoch = (ulong)(uint)time.GetUtcNow().ToUnixTimeSeconds();
        var high = (epoch << 32) | (uint)Random.Shared.Next(int.MinValue, int.MaxValue);
        var low = (ulong)Random.Shared.NextInt64(long.MinValue, long.MaxValue);
        return new TraceId(high, low);
    }
}
