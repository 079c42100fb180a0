namespace EnvoyEmulator.Tests;

/// <summary>Envoy's StringMatcher as forward_rules uses it.</summary>
public sealed class StringMatchTests
{
    [Theory]
    [InlineData(StringMatchKind.Exact, "x-b3-sampled", false, "x-b3-sampled", true)]
    [InlineData(StringMatchKind.Exact, "X-Tenant", false, "x-tenant", false)] // names arrive lower-case
    [InlineData(StringMatchKind.Exact, "X-Tenant", true, "x-tenant", true)]
    [InlineData(StringMatchKind.Exact, "", false, "", true)]
    [InlineData(StringMatchKind.Prefix, "x-b3-", false, "x-b3-traceid", true)]
    [InlineData(StringMatchKind.Prefix, "x-b3-", false, "b3", false)]
    [InlineData(StringMatchKind.Prefix, "X-B3-", true, "x-b3-flags", true)]
    [InlineData(StringMatchKind.Suffix, "-id", false, "x-request-id", true)]
    [InlineData(StringMatchKind.Suffix, "-ID", false, "x-request-id", false)]
    [InlineData(StringMatchKind.Suffix, "-ID", true, "x-request-id", true)]
    [InlineData(StringMatchKind.Contains, "trace", false, "x-amzn-trace-id", true)]
    [InlineData(StringMatchKind.Contains, "TRACE", true, "x-cloud-trace-context", true)]
    [InlineData(StringMatchKind.Contains, "TRACE", false, "x-cloud-trace-context", false)]
    [InlineData(StringMatchKind.SafeRegex, "x-b3-.*", false, "x-b3-spanid", true)]
    [InlineData(StringMatchKind.SafeRegex, "b3", false, "x-b3-spanid", false)] // RE2 full match, not search
    [InlineData(StringMatchKind.SafeRegex, "a|x-b3-spanid", false, "x-b3-spanid", true)] // alternation anchored as a group
    public void Matches_as_envoy(StringMatchKind kind, string pattern, bool ignoreCase, string value, bool expected) =>
        Assert.Equal(expected, new StringMatch(kind, pattern, ignoreCase).Matches(value));

    [Fact]
    public void Safe_regex_with_ignore_case_is_rejected_as_envoy_rejects_it()
    {
        var e = Assert.Throws<ArgumentException>(() => new StringMatch(StringMatchKind.SafeRegex, "x-.*", ignoreCase: true));
        Assert.StartsWith("ignore_case has no effect for safe_regex", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StringMatchKind.Prefix)]
    [InlineData(StringMatchKind.Suffix)]
    [InlineData(StringMatchKind.Contains)]
    [InlineData(StringMatchKind.SafeRegex)]
    public void Empty_patterns_other_than_exact_are_rejected(StringMatchKind kind) =>
        Assert.Throws<ArgumentException>(() => new StringMatch(kind, ""));
}
