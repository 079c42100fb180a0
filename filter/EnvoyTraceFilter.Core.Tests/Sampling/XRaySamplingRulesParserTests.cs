using System.Text.Json;
using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Core.Tests.Sampling;

public sealed class XRaySamplingRulesParserTests
{
    private const string K = "TraceFilter:Sampling:RulesJson";
    private const string Default = """ "default": {"fixed_target": 1, "rate": 0.05} """;

    [Fact]
    public void Parses_a_version_2_document_in_order()
    {
        const string json = """
            {
              "version": 2,
              "rules": [
                {"description": "Player moves.", "host": "*", "http_method": "*", "url_path": "/api/move/*", "fixed_target": 0, "rate": 0.05},
                {"host": "admin.example.com", "http_method": "POST", "url_path": "*", "fixed_target": 10, "rate": 1}
              ],
              "default": {"fixed_target": 1, "rate": 0.1}
            }
            """;

        Assert.True(XRaySamplingRules.TryParse(json, out var rules, out var errors));

        Assert.Empty(errors);
        Assert.Equal(2, rules!.Version);
        Assert.Equal(
            [
                new XRaySamplingRule("Player moves.", "*", "*", "/api/move/*", 0, 0.05),
                new XRaySamplingRule(null, "admin.example.com", "POST", "*", 10, 1.0),
            ],
            rules.Rules);
        Assert.Equal(new XRaySamplingRule(null, "*", "*", "*", 1, 0.1), rules.Default);
    }

    [Fact]
    public void Parses_a_version_1_document_with_service_name_and_no_rules()
    {
        const string json = """{"version": 1, "default": {"description": "d", "fixed_target": 0, "rate": 0}}""";

        Assert.True(XRaySamplingRules.TryParse(json, out var rules, out var errors));

        Assert.Empty(errors);
        Assert.Equal(1, rules!.Version);
        Assert.Empty(rules.Rules);
        Assert.Equal(new XRaySamplingRule("d", "*", "*", "*", 0, 0.0), rules.Default);
    }

    [Theory]
    [InlineData("[]", K + """ must be a JSON object with "version", "default" and optional "rules" (was [])""")]
    [InlineData("\"rules\"", K + """ must be a JSON object with "version", "default" and optional "rules" (was "rules")""")]
    [InlineData("{}", K + """ version is required: set "version": 2 (rules match "host") or 1 (rules match "service_name")|""" + K + """ default is required: add "default": {"fixed_target": 1, "rate": 0.05}""")]
    [InlineData("""{"version": 3, """ + Default + "}", K + " version must be 1 or 2 (was 3)")]
    [InlineData("""{"version": "2", """ + Default + "}", K + """ version must be 1 or 2 (was "2")""")]
    [InlineData("""{"version": 2.0, """ + Default + "}", K + " version must be 1 or 2 (was 2.0)")]
    [InlineData("""{"version": 2, "rulez": [], """ + Default + "}", K + """ has unknown property "rulez" (allowed: version, rules, default)""")]
    [InlineData("""{"version": 2, "version": 2, """ + Default + "}", K + """ has duplicate property "version" """ + "")]
    [InlineData("""{"version": 2, "default": []}""", K + " default must be an object (was [])")]
    [InlineData("""{"version": 2, "default": {"fixed_target": 1}}""", K + " default.rate is required (a number between 0 and 1)")]
    [InlineData("""{"version": 2, "default": {"rate": 0.1}}""", K + " default.fixed_target is required (requests per second sampled before rate applies, 0 or more)")]
    [InlineData("""{"version": 2, "default": {"host": "*", "fixed_target": 1, "rate": 0.1}}""", K + """ default must not have "host": the default rule applies to every request no rule matches""")]
    [InlineData("""{"version": 2, "default": {"url_path": "/", "fixed_target": 1, "rate": 0.1, "extra": 1}}""", K + """ default must not have "url_path": the default rule applies to every request no rule matches|""" + K + """ default has unknown property "extra" (allowed: description, fixed_target, rate)""")]
    [InlineData("""{"version": 2, "rules": {}, """ + Default + "}", K + " rules must be an array (was {})")]
    [InlineData("""{"version": 2, "rules": [1, null], """ + Default + "}", K + " rules[0] must be an object (was 1)|" + K + " rules[1] must be an object (was null)")]
    public void Document_level_errors(string json, string expected)
    {
        AssertErrorTable(json, expected);
    }

    [Theory]
    [InlineData("""{"fixed_target": 1, "rate": 0.1}""", """rules[0].host is required (use "*" to match any host)|rules[0].http_method is required (use "*" to match any method)|rules[0].url_path is required (use "*" to match any path)""")]
    [InlineData("""{"host": "", "http_method": "*", "url_path": "*", "fixed_target": 1, "rate": 0.1}""", """rules[0].host must not be empty (use "*" to match any host)""")]
    [InlineData("""{"host": "*", "http_method": "", "url_path": "*", "fixed_target": 1, "rate": 0.1}""", """rules[0].http_method must not be empty (use "*" to match any method)""")]
    [InlineData("""{"host": "*", "http_method": "*", "url_path": "", "fixed_target": 1, "rate": 0.1}""", """rules[0].url_path must not be empty (use "*" to match any path)""")]
    [InlineData("""{"host": 5, "http_method": ["GET"], "url_path": null, "fixed_target": 1, "rate": 0.1}""", """rules[0].host must be a string pattern (was 5)|rules[0].http_method must be a string pattern (was ["GET"])|rules[0].url_path must be a string pattern (was null)""")]
    [InlineData("""{"host": "*", "http_method": "*", "url_path": "*", "fixed_target": -1, "rate": 0.1}""", "rules[0].fixed_target must be a whole number from 0 to 2147483647 (was -1)")]
    [InlineData("""{"host": "*", "http_method": "*", "url_path": "*", "fixed_target": 1.5, "rate": 0.1}""", "rules[0].fixed_target must be a whole number from 0 to 2147483647 (was 1.5)")]
    [InlineData("""{"host": "*", "http_method": "*", "url_path": "*", "fixed_target": "1", "rate": 0.1}""", """rules[0].fixed_target must be a whole number from 0 to 2147483647 (was "1")""")]
    [InlineData("""{"host": "*", "http_method": "*", "url_path": "*", "fixed_target": 3000000000, "rate": 0.1}""", "rules[0].fixed_target must be a whole number from 0 to 2147483647 (was 3000000000)")]
    [InlineData("""{"host": "*", "http_method": "*", "url_path": "*", "fixed_target": 1, "rate": 1.5}""", "rules[0].rate must be between 0 and 1 (was 1.5)")]
    [InlineData("""{"host": "*", "http_method": "*", "url_path": "*", "fixed_target": 1, "rate": -0.01}""", "rules[0].rate must be between 0 and 1 (was -0.01)")]
    [InlineData("""{"host": "*", "http_method": "*", "url_path": "*", "fixed_target": 1, "rate": "high"}""", """rules[0].rate must be between 0 and 1 (was "high")""")]
    [InlineData("""{"host": "*", "http_method": "*", "url_path": "*", "fixed_targte": 1, "rate": 0.1}""", """rules[0] has unknown property "fixed_targte" (allowed: description, host, http_method, url_path, fixed_target, rate)|rules[0].fixed_target is required (requests per second sampled before rate applies, 0 or more)""")]
    [InlineData("""{"host": "*", "http_method": "*", "url_path": "*", "fixed_target": 1, "rate": 0.1, "rate": 0.2}""", """rules[0] has duplicate property "rate" """)]
    [InlineData("""{"description": 5, "host": "*", "http_method": "*", "url_path": "*", "fixed_target": 1, "rate": 0.1}""", "rules[0].description must be a string (was 5)")]
    [InlineData("""{"service_name": "*", "http_method": "*", "url_path": "*", "fixed_target": 1, "rate": 0.1}""", """rules[0].service_name is for version 1; with "version": 2 use host""")]
    [InlineData("""{"host": "*", "http_method": "*", "url_path": "*", "fixed_target": 1, "rate": 0.1, "description": "a very long description is cut when it is shown back", "x": "0123456789012345678901234567890123456789012345"}""", """rules[0] has unknown property "x" (allowed: description, host, http_method, url_path, fixed_target, rate)""")]
    public void Rule_level_errors_in_version_2(string rule, string expected)
    {
        AssertErrorTable("""{"version": 2, "rules": [""" + rule + "], " + Default + "}", string.Join('|', expected.Split('|').Select(e => $"{K} {e.TrimEnd()}")));
    }

    [Theory]
    [InlineData("""{"host": "*", "http_method": "*", "url_path": "*", "fixed_target": 1, "rate": 0.1}""", """rules[0].host is for version 2; with "version": 1 use service_name""")]
    [InlineData("""{"http_method": "*", "url_path": "*", "fixed_target": 1, "rate": 0.1}""", """rules[0].service_name is required (use "*" to match any host)""")]
    [InlineData("""{"service_name": "*", "http_method": "*", "url_path": "*", "fixed_target": 1, "rate": 0.1, "host": "x"}""", """rules[0].host is for version 2; with "version": 1 use service_name""")]
    public void Rule_level_errors_in_version_1(string rule, string expected)
    {
        AssertErrors("""{"version": 1, "rules": [""" + rule + "], " + Default + "}", $"{K} {expected}");
    }

    [Fact]
    public void With_an_unknown_version_either_host_key_is_accepted_but_not_both()
    {
        const string json = """
            {"version": 9, "rules": [
              {"host": "*", "http_method": "*", "url_path": "*", "fixed_target": 1, "rate": 0.1},
              {"service_name": "*", "http_method": "*", "url_path": "*", "fixed_target": 1, "rate": 0.1},
              {"host": "*", "service_name": "*", "http_method": "*", "url_path": "*", "fixed_target": 1, "rate": 0.1}],
             "default": {"fixed_target": 1, "rate": 0.05}}
            """;

        AssertErrors(json, $"{K} version must be 1 or 2 (was 9)", $"{K} rules[2] has both host and service_name; keep one");
    }

    [Fact]
    public void Long_values_are_shortened_in_messages()
    {
        var json = """{"version": 2, "rules": [], "default": {"fixed_target": 1, "rate": 0.05, "description": ["""
            + string.Join(", ", Enumerable.Range(0, 30)) + "]}}";

        AssertErrors(json, $"{K} default.description must be a string (was [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 1…)");
    }

    [Theory]
    [InlineData("{\"version\": 2,")]
    [InlineData("{\"version\": 2 \"default\": {}}")]
    [InlineData("{'version': 2}")]
    [InlineData("not json")]
    [InlineData("{\"version\": 2, \"default\": {\"fixed_target\": 1, \"rate\": 0.05},}")]
    [InlineData("{} {}")]
    public void Bad_json_reports_the_parser_message(string json)
    {
        string parserMessage;
        try
        {
            JsonDocument.Parse(json).Dispose();
            throw new InvalidOperationException("expected the BCL parser to reject this text");
        }
        catch (JsonException ex)
        {
            parserMessage = ex.Message;
        }

        AssertErrors(json, $"{K} is not valid JSON: {parserMessage}");
    }

    [Fact]
    public void Bad_json_message_reads_as_documented()
    {
        AssertErrors(
            "{\"version\": 2,",
            K + " is not valid JSON: Expected start of a property name or value, but instead reached end of data. LineNumber: 0 | BytePositionInLine: 13.");
    }

    [Fact]
    public void Text_that_cannot_be_transcoded_is_an_error_not_an_exception()
    {
        var json = "{\"version\": 2, \"default\": {\"description\": \"" + '\uD800' + "\"}}";

        Assert.False(XRaySamplingRules.TryParse(json, out var rules, out var errors));

        Assert.Null(rules);
        Assert.StartsWith($"{K} is not valid JSON: ", Assert.Single(errors));
    }

    // Theory tables write several expected messages joined by '|'.
    private static void AssertErrorTable(string json, string expectedJoinedByBar) =>
        AssertErrors(json, expectedJoinedByBar.Split('|').Select(e => e.TrimEnd()).ToArray());

    private static void AssertErrors(string json, params string[] expected)
    {
        Assert.False(XRaySamplingRules.TryParse(json, out var rules, out var errors));
        Assert.Null(rules);
        // Compared as one string so a failure shows the exact text that differs.
        Assert.Equal(string.Join(Environment.NewLine, expected), string.Join(Environment.NewLine, errors));

        // The same messages surface through options validation.
        Assert.Equal(errors, new SamplingOptions { RulesJson = json }.Validate());
    }
}
