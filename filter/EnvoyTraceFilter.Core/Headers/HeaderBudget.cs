using System.Buffers;

namespace EnvoyTraceFilter.Core.Headers;

/// <summary>
/// Keeps a header mutation inside what Envoy accepts, so it never turns a request into a local 500 (which
/// failure_mode_allow does not cover). Envoy applies removals, then sets, and fails the mutation when a value
/// holds a control byte other than HTAB, or DEL; when there are more set or remove entries than the map's header
/// count limit; or when the result has more headers or more bytes than the map's limits.
/// <para>
/// Output groups go whole or not at all. A group with an invalid byte is dropped first. Then, while the result
/// would not fit, the group of least value still present is dropped, in <see cref="OutputGroup"/> order. A
/// dropped <c>b3</c> that arrived is removed (see <see cref="HeaderBudgetResult.RemoveStaleB3"/>); other dropped
/// groups leave the incoming headers of their format as they came. When every group is dropped nothing is sent.
/// </para>
/// </summary>
public static class HeaderBudget
{
    // Envoy 1.36 (quiche's HeaderValueIsValid): every control byte but HTAB, and DEL, is rejected.
    private static readonly SearchValues<byte> InvalidValueBytes = SearchValues.Create(
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 127]);

    /// <summary>True when Envoy accepts every byte of <paramref name="value"/> in a header value.</summary>
    public static bool IsValidValue(ReadOnlySpan<byte> value) => value.IndexOfAny(InvalidValueBytes) < 0;

    public static HeaderBudgetResult Fit<TMap>(HeaderEdits edits, in TMap incoming, HeaderLimits limits)
        where TMap : IHeaderMapSize
    {
        var present = 0;
        var invalid = 0;
        long addedBytes = 0;
        for (var i = 0; i < edits.SetCount; i++)
        {
            var bit = 1 << (int)OutputGroups.Of(edits.SetName(i));
            present |= bit;
            var value = edits.SetValue(i).Span;
            addedBytes += edits.SetName(i).Length + value.Length;
            if (!IsValidValue(value))
            {
                invalid |= bit;
            }
        }

        for (var i = 0; i < edits.RemoveCount; i++)
        {
            present |= 1 << (int)OutputGroups.Of(edits.Removed(i));
        }

        var kept = present & ~invalid;

        // Fast path: even if every set added a new header, the result fits.
        if (kept == present && (long)incoming.Count + edits.SetCount <= limits.MaxCount
            && incoming.ByteSize + addedBytes <= limits.MaxBytes
            && edits.SetCount <= limits.MaxCount && edits.RemoveCount <= limits.MaxCount)
        {
            return new HeaderBudgetResult(kept, 0, invalid, removeStaleB3: false);
        }

        var simulation = new Simulation(edits, incoming, present);
        var droppedForLimit = 0;
        for (var group = 0; group < OutputGroups.Count; group++)
        {
            if (simulation.Fits(kept, limits))
            {
                break;
            }

            var bit = 1 << group;
            if ((kept & bit) != 0)
            {
                kept &= ~bit;
                droppedForLimit |= bit;
            }
        }

        // An empty mutation is still checked by Envoy (the map may already be over its limits): send none.
        if (kept != 0 && !simulation.Fits(kept, limits))
        {
            droppedForLimit |= kept;
            kept = 0;
        }

        return new HeaderBudgetResult(kept, droppedForLimit, invalid, kept != 0 && simulation.RemovesStaleB3(kept));
    }

    /// <summary>Replays Envoy's applyHeaderMutations on counts and sizes only.</summary>
    private readonly struct Simulation
    {
        private const int B3Bit = 1 << (int)OutputGroup.B3Single;

        private readonly HeaderEdits _edits;
        private readonly int _count;
        private readonly long _bytes;
        private readonly int _present;

        // Occurrences in the incoming map of every name touched (sets, removals, "b3"), looked up once.
        private readonly string[] _names;
        private readonly HeaderOccurrences[] _incoming;

        public Simulation(HeaderEdits edits, IHeaderMapSize map, int present)
        {
            _edits = edits;
            _present = present;
            _count = map.Count;
            _bytes = map.ByteSize;
            var names = new List<string>(edits.SetCount + edits.RemoveCount + 1) { KnownHeaders.Name(KnownHeader.B3) };
            for (var i = 0; i < edits.RemoveCount; i++)
            {
                AddOnce(names, edits.Removed(i));
            }

            for (var i = 0; i < edits.SetCount; i++)
            {
                AddOnce(names, edits.SetName(i));
            }

            _names = [.. names];
            _incoming = new HeaderOccurrences[_names.Length];
            for (var i = 0; i < _names.Length; i++)
            {
                _incoming[i] = map.Find(_names[i]);
            }
        }

        // Only when the filter meant to write b3 (it is an output, and not left alone in translate-only mode).
        public bool RemovesStaleB3(int kept) => (_present & B3Bit) != 0 && (kept & B3Bit) == 0 && _incoming[0].Count > 0;

        public bool Fits(int kept, HeaderLimits limits)
        {
            var state = (HeaderOccurrences[])_incoming.Clone();
            var count = (long)_count;
            var bytes = _bytes;
            var removes = 0;
            var sets = 0;

            if (RemovesStaleB3(kept))
            {
                Remove(0);
            }

            for (var i = 0; i < _edits.RemoveCount; i++)
            {
                if ((kept & (1 << (int)OutputGroups.Of(_edits.Removed(i)))) != 0)
                {
                    Remove(Array.IndexOf(_names, _edits.Removed(i)));
                }
            }

            for (var i = 0; i < _edits.SetCount; i++)
            {
                var name = _edits.SetName(i);
                if ((kept & (1 << (int)OutputGroups.Of(name))) == 0)
                {
                    continue;
                }

                sets++;
                var slot = Array.IndexOf(_names, name);
                var length = _edits.SetValue(i).Length;
                var existing = state[slot];
                if (existing.Count == 0)
                {
                    count++;
                    bytes += name.Length + length;
                    state[slot] = new HeaderOccurrences(1, name.Length + length, length);
                }
                else
                {
                    // setCopy replaces the first value. Whether later duplicates go too is not relied on: assume
                    // they stay, which can only overestimate the result.
                    bytes += length - existing.FirstValueLength;
                    state[slot] = existing with { Bytes = existing.Bytes + length - existing.FirstValueLength, FirstValueLength = length };
                }
            }

            return removes <= limits.MaxCount && sets <= limits.MaxCount && count <= limits.MaxCount && bytes <= limits.MaxBytes;

            void Remove(int slot)
            {
                removes++;
                var existing = state[slot];
                count -= existing.Count;
                bytes -= existing.Bytes;
                state[slot] = HeaderOccurrences.None;
            }
        }

        private static void AddOnce(List<string> names, string name)
        {
            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }
    }
}
