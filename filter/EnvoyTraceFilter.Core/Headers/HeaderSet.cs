using System.Runtime.CompilerServices;

namespace EnvoyTraceFilter.Core.Headers;

/// <summary>
/// The known headers of one message, as slices of the message's own bytes (no copies). A header that
/// appears twice is remembered as duplicated; <c>x-forwarded-for</c> repeats are joined with ", " as
/// RFC 9110 §5.3 allows, since proxies legitimately add separate lines; <c>tracestate</c> repeats are joined with ","
/// as W3C trace context says.
/// </summary>
public struct HeaderSet
{
    private Slots _values;
    private uint _present;
    private uint _duplicated;

    public readonly bool Contains(KnownHeader header) => (_present & Bit(header)) != 0;

    public readonly bool IsDuplicated(KnownHeader header) => (_duplicated & Bit(header)) != 0;

    /// <summary>The value, or an empty span when absent. Use <see cref="Contains"/> to tell absent from empty.</summary>
    public readonly ReadOnlySpan<byte> Get(KnownHeader header) => _values[(int)header].Span;

    public readonly ReadOnlyMemory<byte> GetMemory(KnownHeader header) => _values[(int)header];

    public readonly bool TryGet(KnownHeader header, out ReadOnlySpan<byte> value)
    {
        value = _values[(int)header].Span;
        return Contains(header);
    }

    public void Add(KnownHeader header, ReadOnlyMemory<byte> value)
    {
        var bit = Bit(header);
        if ((_present & bit) == 0)
        {
            _present |= bit;
            _values[(int)header] = value;
            return;
        }

        _duplicated |= bit;
        if (header == KnownHeader.TraceState)
        {
            _values[(int)header] = JoinTraceState(_values[(int)header], value);
        }
        else if (header == KnownHeader.XForwardedFor)
        {
            var first = _values[(int)header].Span;
            var joined = new byte[first.Length + 2 + value.Length];
            first.CopyTo(joined);
            joined[first.Length] = (byte)',';
            joined[first.Length + 1] = (byte)' ';
            value.Span.CopyTo(joined.AsSpan(first.Length + 2));
            _values[(int)header] = joined;
        }
    }

    // W3C trace context: several tracestate lines are one list, joined in order with ','. Empty lines
    // add no member, so they are left out rather than leaving a ",," behind.
    private static ReadOnlyMemory<byte> JoinTraceState(ReadOnlyMemory<byte> first, ReadOnlyMemory<byte> next)
    {
        if (next.Span.Trim(" \t"u8).IsEmpty)
        {
            return first;
        }

        if (first.Span.Trim(" \t"u8).IsEmpty)
        {
            return next;
        }

        var joined = new byte[first.Length + 1 + next.Length];
        first.Span.CopyTo(joined);
        joined[first.Length] = (byte)',';
        next.Span.CopyTo(joined.AsSpan(first.Length + 1));
        return joined;
    }

    private static uint Bit(KnownHeader header) => 1u << (int)header;

    [InlineArray(KnownHeaders.Count)]
    private struct Slots
    {
        private ReadOnlyMemory<byte> _element;
    }
}
