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

    // Where repeated lines are joined: grown by doubling, so n lines cost O(total bytes), not O(n × total).
    private JoinBuffer? _traceState;
    private JoinBuffer? _forwardedFor;

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
        ref var slot = ref _values[(int)header];
        if (header == KnownHeader.TraceState)
        {
            // W3C trace context: several tracestate lines are one list, joined in order with ','. Empty lines
            // add no member, so they are left out rather than leaving a ",," behind.
            if (value.Span.Trim(" \t"u8).IsEmpty)
            {
                return;
            }

            slot = slot.Span.Trim(" \t"u8).IsEmpty ? value : JoinBuffer.Append(ref _traceState, slot, ","u8, value.Span);
        }
        else if (header == KnownHeader.XForwardedFor)
        {
            slot = JoinBuffer.Append(ref _forwardedFor, slot, ", "u8, value.Span);
        }
    }

    private static uint Bit(KnownHeader header) => 1u << (int)header;

    /// <summary>
    /// A joined value and the room after it. A copy of the <see cref="HeaderSet"/> shares the buffer, so a value is
    /// only extended in place while it still ends where the buffer's filled part ends; otherwise it is copied out.
    /// </summary>
    private sealed class JoinBuffer(byte[] bytes)
    {
        private byte[] _bytes = bytes;
        private int _filled;

        public static ReadOnlyMemory<byte> Append(ref JoinBuffer? buffer, ReadOnlyMemory<byte> current, ReadOnlySpan<byte> separator,
            ReadOnlySpan<byte> next)
        {
            var length = current.Length + separator.Length + next.Length;
            var inPlace = buffer is not null && buffer._filled == current.Length
                && current.Span.Overlaps(buffer._bytes.AsSpan(0, buffer._filled), out var offset) && offset == 0;
            if (!inPlace)
            {
                buffer = new JoinBuffer(new byte[Math.Max(length * 2, 256)]);
                current.Span.CopyTo(buffer._bytes);
            }
            else if (length > buffer!._bytes.Length)
            {
                Array.Resize(ref buffer._bytes, Math.Max(length, buffer._bytes.Length * 2));
            }

            var to = buffer._bytes.AsSpan(current.Length);
            separator.CopyTo(to);
            next.CopyTo(to[separator.Length..]);
            buffer._filled = length;
            return buffer._bytes.AsMemory(0, length);
        }
    }

    [InlineArray(KnownHeaders.Count)]
    private struct Slots
    {
        private ReadOnlyMemory<byte> _element;
    }
}
