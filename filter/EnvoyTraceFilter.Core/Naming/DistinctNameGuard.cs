using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace EnvoyTraceFilter.Core.Naming;

/// <summary>
/// Caps how many distinct host-derived names one process emits (each becomes a node in the X-Ray service map and a
/// Zipkin service). One instance lives as long as the process and is shared by every configuration version, so a
/// reload neither forgets the names admitted nor resets the cap. Reads are lock-free and allocation-free; a repeated
/// host returns the same string instance.
/// </summary>
public sealed class DistinctNameGuard
{
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private int _max;
    private int _count;

    public DistinctNameGuard(int max)
    {
        _max = Math.Max(0, max);
        _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// The cap. Raising it admits new hosts at once; lowering it below <see cref="Count"/> keeps the names already
    /// admitted (they are already in the backends) and admits no new one.
    /// </summary>
    public int Max
    {
        get => Volatile.Read(ref _max);
        set => Volatile.Write(ref _max, Math.Max(0, value));
    }

    /// <summary>
    /// The name for <paramref name="host"/>, admitting it if a slot is free. The count never exceeds the maximum; in a
    /// race at the limit a host admitted concurrently by another thread may be refused once.
    /// </summary>
    public bool TryGetOrAdd(ReadOnlySpan<char> host, [NotNullWhen(true)] out string? name)
    {
        if (_lookup.TryGetValue(host, out name))
        {
            return true;
        }

        // Reserve a slot first, so concurrent adders can never push the count past the maximum.
        if (Interlocked.Increment(ref _count) > Max)
        {
            _ = Interlocked.Decrement(ref _count);
            return _lookup.TryGetValue(host, out name);
        }

        var key = host.ToString();
        var value = ServiceNames.Sanitize(key);
        if (_names.TryAdd(key, value))
        {
            name = value;
            return true;
        }

        // Another thread added the same host first: give back our slot and share its instance.
        _ = Interlocked.Decrement(ref _count);
        return _names.TryGetValue(key, out name);
    }
}
