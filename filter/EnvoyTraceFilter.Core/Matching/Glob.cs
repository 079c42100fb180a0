namespace EnvoyTraceFilter.Core.Matching;

/// <summary>
/// X-Ray style wildcards, shared by the naming patterns and the sampling rules: <c>*</c> any run (also none),
/// <c>?</c> exactly one UTF-16 unit, the pattern covers the whole text. Greedy two-pointer match with one
/// backtrack point (the last <c>*</c>): no recursion, no allocation, and at most (pattern + 1) × (text + 1) loop
/// steps — after a restart only the run since the last <c>*</c> is walked again, so many <c>*</c> cost nothing extra.
/// </summary>
internal static class Glob
{
    public static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text, GlobCase mode)
    {
        var none = default(NoSteps);
        return Match(pattern, text, mode, ref none);
    }

    /// <summary>The same match, also counting its loop steps: tests bound the work without timing it.</summary>
    internal static bool IsMatch(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text, GlobCase mode, out long steps)
    {
        var counter = default(CountedSteps);
        var matched = Match(pattern, text, mode, ref counter);
        steps = counter.Count;
        return matched;
    }

    // Generic over a struct so the uncounted instantiation compiles the counting away.
    private static bool Match<TSteps>(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text, GlobCase mode, ref TSteps steps)
        where TSteps : struct, IStepCounter
    {
        int p = 0, t = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            steps.Step();
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starT = t;
            }
            else if (p < pattern.Length && (pattern[p] == '?' || CharEquals(pattern[p], text[t], mode)))
            {
                p++;
                t++;
            }
            else if (starP >= 0)
            {
                // Let the last '*' swallow one more character and retry from there.
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            steps.Step();
            p++;
        }

        return p == pattern.Length;
    }

    public static bool CharEquals(char a, char b, GlobCase mode)
    {
        if (a == b)
        {
            return true;
        }

        if (mode == GlobCase.Sensitive)
        {
            return false;
        }

        if (char.IsAscii(a) && char.IsAscii(b))
        {
            return char.IsAsciiLetter(a) && (a | 0x20) == (b | 0x20);
        }

        return mode == GlobCase.OrdinalInsensitive
            && MemoryExtensions.Equals(new ReadOnlySpan<char>(in a), new ReadOnlySpan<char>(in b), StringComparison.OrdinalIgnoreCase);
    }

    private interface IStepCounter
    {
        void Step();
    }

    private struct NoSteps : IStepCounter
    {
        public readonly void Step()
        {
        }
    }

    private struct CountedSteps : IStepCounter
    {
        public long Count;

        public void Step() => Count++;
    }
}
