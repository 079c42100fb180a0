using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Core.Tests.Sampling;

public sealed class SamplingOptionsValidationTests
{
    private const string ValidRules = """{"version": 2, "rules": [], "default": {"fixed_target": 1, "rate": 0.05}}""";

    [Fact]
    public void Defaults_are_valid_and_documented()
    {
        var options = new SamplingOptions();

        Assert.Empty(options.Validate());
        Assert.Equal(TrustIncoming.Always, options.TrustIncoming);
        Assert.Equal(SamplingStrategy.XRayRules, options.Strategy);
        Assert.Equal(0.05, options.Ratio);
        Assert.Null(options.RulesJson);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(0.05)]
    public void Ratio_bounds_are_inclusive(double ratio)
    {
        Assert.Empty(new SamplingOptions { Ratio = ratio }.Validate());
    }

    [Theory]
    [InlineData(1.5, "TraceFilter:Sampling:Ratio must be between 0 and 1 (was 1.5)")]
    [InlineData(-0.1, "TraceFilter:Sampling:Ratio must be between 0 and 1 (was -0.1)")]
    [InlineData(double.NaN, "TraceFilter:Sampling:Ratio must be between 0 and 1 (was NaN)")]
    [InlineData(double.PositiveInfinity, "TraceFilter:Sampling:Ratio must be between 0 and 1 (was Infinity)")]
    public void Ratio_outside_0_to_1_is_an_error(double ratio, string expected)
    {
        Assert.Equal([expected], new SamplingOptions { Ratio = ratio }.Validate());
    }

    [Fact]
    public void Undefined_enum_values_are_errors()
    {
        var options = new SamplingOptions { TrustIncoming = (TrustIncoming)9, Strategy = (SamplingStrategy)7 };

        Assert.Equal(
            [
                "TraceFilter:Sampling:TrustIncoming must be one of Always, Never, DenyOnly (was 9)",
                "TraceFilter:Sampling:Strategy must be one of XRayRules, Ratio, Always, Never (was 7)",
            ],
            options.Validate());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(ValidRules)]
    public void Missing_blank_or_valid_rules_json_is_fine(string? json)
    {
        Assert.Empty(new SamplingOptions { RulesJson = json }.Validate());
    }

    [Fact]
    public void All_errors_are_reported_together_in_key_order()
    {
        var options = new SamplingOptions
        {
            Strategy = (SamplingStrategy)7,
            Ratio = 2,
            RulesJson = """
                {"version": 2,
                 "rules": [
                   {"host": "*", "http_method": "*", "url_path": "*", "fixed_target": 1, "rate": 0.1},
                   {"host": "*", "http_method": "*", "url_path": "*", "fixed_target": 1, "rate": 0.1},
                   {"host": "*", "http_method": "*", "url_path": "*", "fixed_target": 1, "rate": 1.5}],
                 "default": {"fixed_target": -1, "rate": 0.05}}
                """,
        };

        Assert.Equal(
            [
                "TraceFilter:Sampling:Strategy must be one of XRayRules, Ratio, Always, Never (was 7)",
                "TraceFilter:Sampling:Ratio must be between 0 and 1 (was 2)",
                "TraceFilter:Sampling:RulesJson default.fixed_target must be a whole number from 0 to 2147483647 (was -1)",
                "TraceFilter:Sampling:RulesJson rules[2].rate must be between 0 and 1 (was 1.5)",
            ],
            options.Validate());
    }

    [Fact]
    public void Rules_are_validated_even_when_another_strategy_is_chosen()
    {
        var options = new SamplingOptions { Strategy = SamplingStrategy.Ratio, RulesJson = "{" };

        Assert.Single(options.Validate());
    }

    [Fact]
    public void Sampler_refuses_invalid_options_listing_every_error()
    {
        var options = new SamplingOptions { Ratio = 1.5, TrustIncoming = (TrustIncoming)9 };

        var ex = Assert.Throws<ArgumentException>(() => new Sampler(options));

        Assert.Equal(
            string.Join(
                Environment.NewLine,
                "Invalid sampling options:",
                "TraceFilter:Sampling:TrustIncoming must be one of Always, Never, DenyOnly (was 9)",
                "TraceFilter:Sampling:Ratio must be between 0 and 1 (was 1.5)") + " (Parameter 'options')",
            ex.Message);
    }
}
