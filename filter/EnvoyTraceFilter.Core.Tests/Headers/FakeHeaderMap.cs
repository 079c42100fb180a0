using System.Text;
using EnvoyTraceFilter.Core.Headers;

namespace EnvoyTraceFilter.Core.Tests.Headers;

/// <summary>
/// An Envoy header map as a plain list, with Envoy's mutation semantics (removals, then sets; setCopy replaces
/// the first value) as the reference the budget is checked against.
/// </summary>
internal sealed class FakeHeaderMap : IHeaderMapSize
{
    private readonly List<(string Name, byte[] Value)> _items;

    public FakeHeaderMap(IEnumerable<(string Name, string Value)> items) =>
        _items = items.Select(h => (h.Name, Encoding.Latin1.GetBytes(h.Value))).ToList();

    private FakeHeaderMap(List<(string Name, byte[] Value)> items) => _items = items;

    public int Count => _items.Count;

    public long ByteSize => _items.Sum(h => (long)h.Name.Length + h.Value.Length);

    public IReadOnlyList<(string Name, byte[] Value)> Items => _items;

    /// <summary>:authority, :path, :method, :scheme, then pads x-pad-NN: v until <paramref name="count"/> headers.</summary>
    public static FakeHeaderMap WithCount(int count, params (string Name, string Value)[] extra) => new(
        new[] { (":authority", "api.example.com"), (":path", "/"), (":method", "GET"), (":scheme", "http") }
            .Concat(extra)
            .Concat(Enumerable.Range(0, Math.Max(0, count - 4 - extra.Length)).Select(i => ($"x-pad-{i:D2}", "v"))));

    public HeaderOccurrences Find(string lowerName)
    {
        var matches = _items.Where(h => h.Name == lowerName).ToList();
        return matches.Count == 0
            ? HeaderOccurrences.None
            : new HeaderOccurrences(matches.Count, matches.Sum(h => (long)h.Name.Length + h.Value.Length), matches[0].Value.Length);
    }

    /// <summary>
    /// What Envoy's map holds after the mutation the budget lets through. <paramref name="dropDuplicates"/>: whether
    /// setCopy also drops later values of the name (the budget must be right either way).
    /// </summary>
    public FakeHeaderMap Apply(HeaderEdits edits, HeaderBudgetResult result, bool dropDuplicates)
    {
        var items = _items.ToList();
        foreach (var (name, _) in Mutation(edits, result).Where(m => m.Value is null))
        {
            items.RemoveAll(h => h.Name == name);
        }

        foreach (var (name, value) in Mutation(edits, result).Where(m => m.Value is not null))
        {
            var first = items.FindIndex(h => h.Name == name);
            if (first < 0)
            {
                items.Add((name, value!));
                continue;
            }

            items[first] = (name, value!);
            if (dropDuplicates)
            {
                for (var i = items.Count - 1; i > first; i--)
                {
                    if (items[i].Name == name)
                    {
                        items.RemoveAt(i);
                    }
                }
            }
        }

        return new FakeHeaderMap(items);
    }

    /// <summary>The entries the edge sends for this result: removals (value null), then sets.</summary>
    public static List<(string Name, byte[]? Value)> Mutation(HeaderEdits edits, HeaderBudgetResult result)
    {
        var entries = new List<(string, byte[]?)>();
        if (result.Withheld)
        {
            return entries;
        }

        if (result.RemoveStaleB3)
        {
            entries.Add(("b3", null));
        }

        for (var i = 0; i < edits.RemoveCount; i++)
        {
            if (result.Keeps(OutputGroups.Of(edits.Removed(i))))
            {
                entries.Add((edits.Removed(i), null));
            }
        }

        for (var i = 0; i < edits.SetCount; i++)
        {
            if (result.Keeps(OutputGroups.Of(edits.SetName(i))))
            {
                entries.Add((edits.SetName(i), edits.SetValue(i).ToArray()));
            }
        }

        return entries;
    }
}
