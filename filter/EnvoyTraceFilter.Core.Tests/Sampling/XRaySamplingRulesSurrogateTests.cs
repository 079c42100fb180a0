using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Core.Tests.Sampling;

/// <summary>
/// A <c>\uD800</c>-style escape without its pair passes JsonDocument.Parse but cannot become a .NET string: found by
/// fuzzing (fuzz/corpus/samplingrules/crash-*), it threw InvalidOperationException out of TryParse, and so out of
/// startup validation and live reload, instead of being reported as invalid JSON.
/// </summary>
public sealed class XRaySamplingRulesSurrogateTests
{
    private const string Error =
        @"TraceFilter:Sampling:RulesJson is not valid JSON: a \u escape in a string is half of a surrogate pair without the other half";

    [Theory]
    [InlineData("""{"version": 2, "rules": [{"host": "*", "http_method": "*", "url_path": "\ud800", "fixed_target": 2, "rate": 0.1}], "default": {"fixed_target": 1, "rate": 0.05}}""")]
    [InlineData("""{"version": 2, "default": {"description": "x\udc00y", "fixed_target": 1, "rate": 0.05}}""")]
    [InlineData("""{"version": 2, "default": {"fixed_target": 1, "rate": 0.05}, "\ud83d": 1}""")]
    [InlineData("""{"version": 2, "default": {"fixed_target": 1, "rate": 0.05, "x": ["\ud83d\ud83d"]}}""")]
    public void An_unpaired_surrogate_escape_is_reported_as_invalid_json(string json)
    {
        Assert.False(XRaySamplingRules.TryParse(json, out var rules, out var errors));

        Assert.Null(rules);
        Assert.Equal([Error], errors);
        Assert.Equal([Error], new SamplingOptions { RulesJson = json }.Validate());
    }

    [Fact]
    public void A_paired_surrogate_escape_is_a_character_like_any_other()
    {
        const string json = """{"version": 2, "default": {"description": "\ud83d\ude00", "fixed_target": 1, "rate": 0.05}}""";

        Assert.True(XRaySamplingRules.TryParse(json, out var rules, out var errors));

        Assert.Empty(errors);
        Assert.Equal("\U0001F600", rules!.Default.Description);
    }
}
