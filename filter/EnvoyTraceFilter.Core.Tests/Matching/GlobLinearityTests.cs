using CsCheck;
using EnvoyTraceFilter.Core.Matching;
using EnvoyTraceFilter.Core.Naming;
using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Core.Tests.Matching;

/// <summary>
/// Pathological wildcard patterns (very long, many <c>*</c>) cost work bounded by the pattern and text sizes, counted
/// in matcher steps rather than timed; and the matcher agrees with a plain table-based reference on small inputs.
/// </summary>
public sealed class GlobLinearityTests
{
    [Theory]
    [InlineData(8, 16)]
    [InlineData(64, 256)]
    [InlineData(1024, 4096)]
    [InlineData(4096, 65536)]
    public void Many_stars_against_a_run_of_one_letter_cost_steps_linear_in_both(int stars, int length)
    {
        // "*a*a…*a*b" against "aaa…a": a backtracking matcher tries every way to split the run, C(length, stars) of them.
        var pattern = string.Concat(Enumerable.Repeat("*a", stars)) + "*b";
        var text = new string('a', length);

        foreach (var mode in Enum.GetValues<GlobCase>())
        {
            Assert.False(Glob.IsMatch(pattern, text, mode, out var steps));
            Assert.InRange(steps, length, 2L * (pattern.Length + text.Length));
        }
    }

    [Theory]
    [InlineData(10, 100)]
    [InlineData(253, 253)]
    [InlineData(1000, 60_000)]
    public void A_long_run_after_a_star_costs_at_most_pattern_times_text(int run, int length)
    {
        // The matcher's worst case: after the one '*', a long literal run that fails only at its last character.
        var pattern = "*" + new string('a', run) + "b";
        var text = new string('a', length);

        Assert.False(Glob.IsMatch(pattern, text, GlobCase.Sensitive, out var steps));
        Assert.InRange(steps, length, (long)(pattern.Length + 1) * (text.Length + 1));
    }

    [Fact]
    public void Matches_the_reference_and_stays_within_the_step_bound_on_small_inputs()
    {
        var pattern = Gen.String[Gen.Char["ab*?A."], 0, 10];
        var text = Gen.String[Gen.Char["abAB."], 0, 14];
        Gen.Select(pattern, text, Gen.Enum<GlobCase>()).Sample((p, t, mode) =>
        {
            var matched = Glob.IsMatch(p, t, mode, out var steps);
            return matched == Reference(p, t, mode) && steps <= (long)(p.Length + 1) * (t.Length + 1)
                && Glob.IsMatch(p, t, mode) == matched;
        }, iter: 20_000);
    }

    [Fact]
    public void Host_patterns_and_sampling_patterns_match_as_the_reference_does()
    {
        var pattern = Gen.String[Gen.Char["ab*?A.-"], 0, 10];
        var text = Gen.String[Gen.Char["abAB.-"], 0, 14];
        Gen.Select(pattern, text).Sample((p, t) =>
            new HostPattern(p).IsMatch(t) == Reference(p, t, GlobCase.OrdinalInsensitive)
            && new WildcardPattern(p, ignoreCase: true).IsMatch(t) == Reference(p, t, GlobCase.AsciiInsensitive)
            && new WildcardPattern(p, ignoreCase: false).IsMatch(t) == Reference(p, t, GlobCase.Sensitive),
            iter: 20_000);
    }

    [Fact]
    public void A_pathological_naming_pattern_still_names_the_host()
    {
        var pattern = string.Concat(Enumerable.Repeat("*a", 100)) + "*";
        var host = new string('a', 120) + ".example.com";
        var namer = new ServiceNamer([new NamingRule(pattern, "many-stars")], "fallback", null, 10);

        Assert.Equal("many-stars", namer.Resolve(System.Text.Encoding.ASCII.GetBytes(host)).Name);
        Assert.Equal("fallback", namer.Resolve(System.Text.Encoding.ASCII.GetBytes(new string('a', 99) + ".b")).Name);
    }

    // Table over pattern × text prefixes: the definition, not an algorithm. ASCII only (the generators' alphabets).
    private static bool Reference(string pattern, string text, GlobCase mode)
    {
        var matches = new bool[pattern.Length + 1, text.Length + 1];
        matches[0, 0] = true;
        for (var i = 1; i <= pattern.Length; i++)
        {
            var p = pattern[i - 1];
            matches[i, 0] = matches[i - 1, 0] && p == '*';
            for (var j = 1; j <= text.Length; j++)
            {
                var c = text[j - 1];
                var same = mode == GlobCase.Sensitive ? p == c : char.ToLowerInvariant(p) == char.ToLowerInvariant(c);
                matches[i, j] = p == '*' ? matches[i - 1, j] || matches[i, j - 1]
                    : (p == '?' || same) && matches[i - 1, j - 1];
            }
        }

        return matches[pattern.Length, text.Length];
    }
}
