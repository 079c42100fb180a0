using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Core.Tests.Sampling;

public sealed class RuleMatchingTests
{
    private const string Rules = """
        {
          "version": 2,
          "rules": [
            {"description": "r0", "host": "api.example.com", "http_method": "GET", "url_path": "/health", "fixed_target": 0, "rate": 0},
            {"description": "r1", "host": "*.example.com", "http_method": "POST", "url_path": "/orders/*", "fixed_target": 0, "rate": 0},
            {"description": "r2", "host": "shop-?.example.com", "http_method": "*", "url_path": "/cart", "fixed_target": 0, "rate": 0},
            {"description": "r3", "host": "*", "http_method": "*", "url_path": "/static/*.css", "fixed_target": 0, "rate": 0},
            {"description": "r4", "host": "*", "http_method": "PUT", "url_path": "*", "fixed_target": 0, "rate": 0}
          ],
          "default": {"fixed_target": 0, "rate": 1}
        }
        """;

    private static readonly XRayRuleMatcher Matcher = CreateMatcher();

    [Theory]
    [InlineData("api.example.com", "GET", "/health", 0)]
    [InlineData("API.Example.COM", "get", "/health", 0)] // host and method: case-insensitive
    [InlineData("api.example.com", "GET", "/Health", 0)] // path: case-insensitive too, as in every X-Ray SDK
    [InlineData("api.example.com", "GET", "/HEALTH", 0)]
    [InlineData("anything", "GET", "/STATIC/Site.CSS", 3)] // globbed paths too
    [InlineData("api.example.com", "GET", "/health/", -1)] // whole value, not prefix
    [InlineData("api.example.com", "GET", "/healthz", -1)]
    [InlineData("xapi.example.com", "GET", "/health", -1)]
    [InlineData("api.example.com:8080", "GET", "/health", -1)] // a port is part of the host value
    [InlineData("api.example.com", "GETX", "/health", -1)]
    [InlineData("", "GET", "/health", -1)] // absent host is "", not "anything"
    [InlineData("api.example.com", "POST", "/orders/1", 1)]
    [InlineData("a.b.example.com", "POST", "/orders/", 1)]
    [InlineData("example.com", "POST", "/orders/1", -1)]
    [InlineData("api.example.com.evil.net", "POST", "/orders/1", -1)]
    [InlineData("api.example.com", "POST", "/orders", -1)]
    [InlineData("shop-1.example.com", "DELETE", "/cart", 2)]
    [InlineData("shop-12.example.com", "DELETE", "/cart", -1)] // ? is exactly one character
    [InlineData("shop-.example.com", "DELETE", "/cart", -1)]
    [InlineData("anything", "GET", "/static/site.css", 3)]
    [InlineData("anything", "GET", "/static/a/b.css", 3)]
    [InlineData("anything", "GET", "/static/site.css.map", -1)]
    [InlineData("", "PUT", "/x", 4)] // "*" takes an absent host
    [InlineData("api.example.com", "put", "/health", 4)]
    [InlineData("x.example.com", "PUT", "/static/a.css", 3)] // r3 and r4 both match: first rule wins
    [InlineData("shop-1.example.com", "POST", "/orders/9", 1)] // r1 before r4
    [InlineData("shop-1.example.com", "PUT", "/cart", 2)] // r2 before r4
    public void First_matching_rule_wins_else_default(string host, string method, string path, int expectedRule)
    {
        Assert.Equal(expectedRule, Matcher.FindRule(host, method, path));
    }

    [Theory]
    [InlineData("/health", false)]
    [InlineData("/health?verbose=1", false)]
    [InlineData("/health#top", false)]
    [InlineData("/health/", true)]
    [InlineData("/healthy?x=/health", true)]
    public void Sampler_matches_url_path_without_query_or_fragment(string path, bool sampledByDefaultRule)
    {
        var sampler = TestInputs.RulesSampler(Rules, ManualTimeProvider.At("2026-03-01T12:00:00Z"), new FixedRandomSource(0.5));

        var expected = sampledByDefaultRule
            ? new SamplingResult(true, false, SamplingReason.Rate)
            : new SamplingResult(false, false, SamplingReason.RuleNotSampled);
        Assert.Equal(expected, sampler.Decide(host: "api.example.com", method: "GET", path: path));
    }

    [Fact]
    public void Version_1_service_name_matches_the_host()
    {
        const string json = """
            {"version": 1,
             "rules": [{"description": "v1", "service_name": "*.internal", "http_method": "*", "url_path": "*", "fixed_target": 0, "rate": 0}],
             "default": {"fixed_target": 0, "rate": 1}}
            """;
        Assert.True(XRaySamplingRules.TryParse(json, out var rules, out var errors));
        Assert.Empty(errors);
        var matcher = new XRayRuleMatcher(rules!, TimeProvider.System, new FixedRandomSource(0.5));

        Assert.Equal(0, matcher.FindRule("billing.internal", "GET", "/"));
        Assert.Equal(-1, matcher.FindRule("billing.example.com", "GET", "/"));
    }

    private static XRayRuleMatcher CreateMatcher()
    {
        Assert.True(XRaySamplingRules.TryParse(Rules, out var rules, out var errors), string.Join("\n", errors));
        return new XRayRuleMatcher(rules!, TimeProvider.System, new FixedRandomSource(0.5));
    }
}
