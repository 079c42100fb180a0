using System.Text;
using System.Text.RegularExpressions;
using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Core.Tests.Sampling;

public sealed class WildcardPatternTests
{
    [Theory]
    [InlineData("*", "", true)]
    [InlineData("*", "anything/at all", true)]
    [InlineData("**", "", true)]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("abc", "abc", true)]
    [InlineData("abc", "abcd", false)]
    [InlineData("abc", "xabc", false)]
    [InlineData("abc", "ab", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("a?c", "abbc", false)]
    [InlineData("?", "", false)]
    [InlineData("a*", "a", true)]
    [InlineData("a*", "ba", false)]
    [InlineData("*a", "ba", true)]
    [InlineData("*a", "ab", false)]
    [InlineData("a*b*c", "a-b-c", true)]
    [InlineData("a*b*c", "abcabc", true)]
    [InlineData("a*b*c", "acb", false)]
    [InlineData("*.example.com", "api.example.com", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("*.example.com", "api.example.com.evil.net", false)]
    [InlineData("/api/*", "/api/", true)]
    [InlineData("/api/*", "/api", false)]
    [InlineData("*?", "", false)]
    [InlineData("*?", "x", true)]
    [InlineData("a*?b", "ab", false)]
    [InlineData("a*?b", "axb", true)]
    [InlineData("a.b", "axb", false)]
    [InlineData("[ab]", "a", false)]
    [InlineData("[ab]", "[ab]", true)]
    public void Matches_the_whole_value_with_star_and_question_mark(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, new WildcardPattern(pattern, ignoreCase: false).IsMatch(text));
        Assert.Equal(expected, new WildcardPattern(pattern, ignoreCase: true).IsMatch(text));
    }

    [Theory]
    [InlineData("Api.Example.COM", "api.example.com", true, true)]
    [InlineData("Api.Example.COM", "api.example.com", false, false)]
    [InlineData("get", "GET", true, true)]
    [InlineData("g?t", "GET", true, true)]
    [InlineData("*.EXAMPLE.com", "api.example.COM", true, true)]
    [InlineData("/Admin/*", "/admin/x", false, false)]
    [InlineData("/Admin/*", "/Admin/x", false, true)]
    [InlineData("äpi", "ÄPI", true, false)]
    [InlineData("@", "`", true, false)]
    [InlineData("[", "{", true, false)]
    public void Case_folding_is_optional_and_ascii_only(string pattern, string text, bool ignoreCase, bool expected)
    {
        Assert.Equal(expected, new WildcardPattern(pattern, ignoreCase).IsMatch(text));
    }

    [Fact]
    public void Agrees_with_an_anchored_regex_on_every_short_pattern_and_text()
    {
        // Exhaustive over a tiny alphabet: every pattern up to 5 chars of "ab*?" against every text up to 6 chars of "ab".
        var patterns = AllStrings("ab*?", 5);
        var texts = AllStrings("ab", 6);
        foreach (var pattern in patterns)
        {
            var glob = new WildcardPattern(pattern, ignoreCase: false);
            var regex = new Regex(ToRegex(pattern), RegexOptions.CultureInvariant | RegexOptions.Singleline);
            foreach (var text in texts)
            {
                Assert.True(
                    regex.IsMatch(text) == glob.IsMatch(text),
                    $"pattern '{pattern}' text '{text}': regex {regex.IsMatch(text)}, glob {glob.IsMatch(text)}");
            }
        }
    }

    private static string ToRegex(string pattern)
    {
        var builder = new StringBuilder(@"\A");
        foreach (var c in pattern)
        {
            builder.Append(c switch { '*' => ".*", '?' => ".", _ => Regex.Escape(c.ToString()) });
        }

        return builder.Append(@"\z").ToString();
    }

    private static List<string> AllStrings(string alphabet, int maxLength)
    {
        var result = new List<string> { "" };
        var level = new List<string> { "" };
        for (var length = 1; length <= maxLength; length++)
        {
            level = level.SelectMany(prefix => alphabet.Select(c => prefix + c)).ToList();
            result.AddRange(level);
        }

        return result;
    }
}
