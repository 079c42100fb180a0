using System.Collections;

namespace EnvoyEmulator;

/// <summary>An ordered multi-map of HTTP headers, as (name, value) pairs. Name lookups ignore case.</summary>
public sealed class HeaderList : IReadOnlyList<(string Name, string Value)>
{
    private readonly List<(string Name, string Value)> _items = [];

    public HeaderList()
    {
    }

    public HeaderList(IEnumerable<(string Name, string Value)> headers) => _items.AddRange(headers);

    public int Count => _items.Count;

    public (string Name, string Value) this[int index] => _items[index];

    public void Add((string Name, string Value) header) => _items.Add(header);

    public void Add(string name, string value) => _items.Add((name, value));

    public bool Contains(string name) => _items.Exists(h => Matches(h.Name, name));

    /// <summary>The single value of a header; null if absent; throws if it occurs more than once.</summary>
    public string? Get(string name)
    {
        var values = GetAll(name);
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => throw new InvalidOperationException(
                $"Header '{name}' occurs {values.Count} times: {string.Join(" | ", values)}"),
        };
    }

    public IReadOnlyList<string> GetAll(string name) =>
        _items.Where(h => Matches(h.Name, name)).Select(h => h.Value).ToList();

    /// <summary>Envoy's setCopy: the first occurrence takes the value, later ones are dropped.</summary>
    public void Set(string name, string value)
    {
        var first = _items.FindIndex(h => Matches(h.Name, name));
        if (first < 0)
        {
            _items.Add((name, value));
            return;
        }

        _items[first] = (_items[first].Name, value);
        for (var i = _items.Count - 1; i > first; i--)
        {
            if (Matches(_items[i].Name, name))
            {
                _items.RemoveAt(i);
            }
        }
    }

    public int Remove(string name) => _items.RemoveAll(h => Matches(h.Name, name));

    /// <summary>Envoy's HeaderMap::byteSize: sum of name and value lengths in bytes (values are UTF-8 here).</summary>
    public long ByteSize() => _items.Sum(h => (long)h.Name.Length + System.Text.Encoding.UTF8.GetByteCount(h.Value));

    public HeaderList Clone() => new(_items);

    public IEnumerator<(string Name, string Value)> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Sorted "name: value" lines, for plain deterministic printing.</summary>
    public IEnumerable<string> ToSortedLines() =>
        _items.Select(h => $"{h.Name}: {h.Value}").Order(StringComparer.Ordinal);

    public override string ToString() => string.Join("\n", _items.Select(h => $"{h.Name}: {h.Value}"));

    private static bool Matches(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
