namespace EnvoyTraceFilter.Fuzz;

/// <summary>
/// The X-Ray wildcard semantics written the slow, obvious way (a table over pattern × text prefixes), as an oracle for
/// the core's matcher: <c>*</c> any run, <c>?</c> one character, everything else equal under ordinal ignore-case.
/// </summary>
internal static class ReferenceGlob
{
    public static bool IsMatch(string pattern, string text)
    {
        // row[j]: pattern[..i] matches text[..j].
        var row = new bool[text.Length + 1];
        row[0] = true;
        foreach (var p in pattern)
        {
            var next = new bool[text.Length + 1];
            next[0] = row[0] && p == '*';
            for (var j = 1; j <= text.Length; j++)
            {
                next[j] = p switch
                {
                    '*' => row[j] || next[j - 1],
                    '?' => row[j - 1],
                    _ => row[j - 1] && string.Equals(p.ToString(), text[j - 1].ToString(), StringComparison.OrdinalIgnoreCase),
                };
            }

            row = next;
        }

        return row[text.Length];
    }
}
