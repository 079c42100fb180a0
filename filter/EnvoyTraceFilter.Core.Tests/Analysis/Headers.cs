using System.Text;
using EnvoyTraceFilter.Core.Headers;

namespace EnvoyTraceFilter.Core.Tests.Analysis;

internal static class Headers
{
    public static HeaderSet Of(params (string Name, string Value)[] headers)
    {
        var set = new HeaderSet();
        foreach (var (name, value) in headers)
        {
            if (KnownHeaders.TryLookup(name, out var known))
            {
                set.Add(known, Encoding.ASCII.GetBytes(value));
            }
        }

        return set;
    }

    public static KnownHeader Known(string name) => KnownHeaders.TryLookup(name, out var known) ? known : throw new ArgumentException(name);

    /// <summary>All edits as "name: value" / "-name" lines, removals first, in the order they were made.</summary>
    public static string[] Lines(HeaderEdits edits)
    {
        var lines = new List<string>();
        for (var i = 0; i < edits.RemoveCount; i++)
        {
            lines.Add("-" + edits.Removed(i));
        }

        for (var i = 0; i < edits.SetCount; i++)
        {
            lines.Add(edits.SetName(i) + ": " + Encoding.UTF8.GetString(edits.SetValue(i).Span));
        }

        return [.. lines];
    }
}
