using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Core.Tests.Sampling;

public sealed class ReservoirAndRateTests
{
    [Fact]
    public void Reservoir_grants_fixed_target_per_second_then_falls_to_rate_and_refills_next_second()
    {
        var clock = ManualTimeProvider.At("2026-03-01T12:00:00.000Z");
        var random = new FixedRandomSource(0.5);
        var sampler = TestInputs.RulesSampler(TestInputs.SingleRule(fixedTarget: 2, rate: 0.05), clock, random);

        Assert.Equal(new SamplingResult(true, false, SamplingReason.Reservoir), sampler.Decide());
        clock.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(new SamplingResult(true, false, SamplingReason.Reservoir), sampler.Decide());
        Assert.Equal(0, random.Draws);

        // Third in the same second: reservoir empty, rate draw 0.5 >= 0.05.
        Assert.Equal(new SamplingResult(false, false, SamplingReason.RuleNotSampled), sampler.Decide());
        random.Value = 0.01;
        Assert.Equal(new SamplingResult(true, false, SamplingReason.Rate), sampler.Decide());
        Assert.Equal(2, random.Draws);

        // 12:00:01.000 is a new wall-clock second: two more from the reservoir.
        clock.Advance(TimeSpan.FromMilliseconds(1));
        random.Value = 0.5;
        Assert.Equal(SamplingReason.Reservoir, sampler.Decide().Reason);
        Assert.Equal(SamplingReason.Reservoir, sampler.Decide().Reason);
        Assert.Equal(SamplingReason.RuleNotSampled, sampler.Decide().Reason);
    }

    [Fact]
    public void Reservoir_is_per_wall_clock_second_not_a_sliding_window()
    {
        var clock = ManualTimeProvider.At("2026-03-01T12:00:00.900Z");
        var sampler = TestInputs.RulesSampler(TestInputs.SingleRule(fixedTarget: 1, rate: 0), clock, new FixedRandomSource(0.5));

        Assert.Equal(SamplingReason.Reservoir, sampler.Decide().Reason);
        Assert.Equal(SamplingReason.RuleNotSampled, sampler.Decide().Reason);

        // Only 200 ms later, but in the next second.
        clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(SamplingReason.Reservoir, sampler.Decide().Reason);
    }

    [Fact]
    public void Clock_stepping_back_refills_once()
    {
        var clock = ManualTimeProvider.At("2026-03-01T12:00:05Z");
        var sampler = TestInputs.RulesSampler(TestInputs.SingleRule(fixedTarget: 1, rate: 0), clock, new FixedRandomSource(0.5));

        Assert.Equal(SamplingReason.Reservoir, sampler.Decide().Reason);
        clock.Advance(TimeSpan.FromSeconds(-2));
        Assert.Equal(SamplingReason.Reservoir, sampler.Decide().Reason);
        Assert.Equal(SamplingReason.RuleNotSampled, sampler.Decide().Reason);
    }

    [Fact]
    public void Fixed_target_zero_never_uses_a_reservoir()
    {
        var clock = ManualTimeProvider.At("2026-03-01T12:00:00Z");
        var sampler = TestInputs.RulesSampler(TestInputs.SingleRule(fixedTarget: 0, rate: 0), clock, new FixedRandomSource(0.5));

        Assert.Equal(new SamplingResult(false, false, SamplingReason.RuleNotSampled), sampler.Decide());
    }

    [Theory]
    [InlineData(0.05, 0.049, true)]
    [InlineData(0.05, 0.05, false)]
    [InlineData(0.05, 0.0, true)]
    [InlineData(0.05, 0.999, false)]
    [InlineData(0.0, 0.0, false)]
    [InlineData(1.0, 0.9999999999, true)]
    [InlineData(0.5, 0.4999, true)]
    [InlineData(0.5, 0.5, false)]
    public void Rate_samples_when_draw_is_strictly_below_rate(double rate, double draw, bool sampled)
    {
        var clock = ManualTimeProvider.At("2026-03-01T12:00:00Z");
        var sampler = TestInputs.RulesSampler(TestInputs.SingleRule(fixedTarget: 0, rate: rate), clock, new FixedRandomSource(draw));

        var expected = sampled
            ? new SamplingResult(true, false, SamplingReason.Rate)
            : new SamplingResult(false, false, SamplingReason.RuleNotSampled);
        Assert.Equal(expected, sampler.Decide());
    }

    [Fact]
    public void Without_rules_json_the_XRay_default_applies_one_per_second_plus_five_percent()
    {
        var clock = ManualTimeProvider.At("2026-03-01T12:00:00Z");
        var random = new FixedRandomSource(0.049);
        var sampler = TestInputs.RulesSampler(rulesJson: null, clock, random);

        Assert.Same(XRaySamplingRules.XRayDefault, sampler.Rules);
        Assert.Equal(new XRaySamplingRule("X-Ray SDK default", "*", "*", "*", 1, 0.05), sampler.Rules.Default);
        Assert.Equal(SamplingReason.Reservoir, sampler.Decide(host: "", method: "", path: "").Reason);
        Assert.Equal(SamplingReason.Rate, sampler.Decide().Reason);
        random.Value = 0.05;
        Assert.Equal(SamplingReason.RuleNotSampled, sampler.Decide().Reason);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(SamplingReason.Reservoir, sampler.Decide().Reason);
    }

    [Fact]
    public void Each_rule_has_its_own_reservoir()
    {
        const string json = """
            {"version": 2,
             "rules": [{"host": "*", "http_method": "*", "url_path": "/a", "fixed_target": 1, "rate": 0}],
             "default": {"fixed_target": 1, "rate": 0}}
            """;
        var sampler = TestInputs.RulesSampler(json, ManualTimeProvider.At("2026-03-01T12:00:00Z"), new FixedRandomSource(0.5));

        Assert.Equal(SamplingReason.Reservoir, sampler.Decide(path: "/a").Reason);
        Assert.Equal(SamplingReason.RuleNotSampled, sampler.Decide(path: "/a").Reason);
        Assert.Equal(SamplingReason.Reservoir, sampler.Decide(path: "/b").Reason);
        Assert.Equal(SamplingReason.RuleNotSampled, sampler.Decide(path: "/b").Reason);
    }
}
