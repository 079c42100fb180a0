using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Core.Tests.Sampling;

public sealed class IncomingDecisionTests
{
    public static TheoryData<TrustIncoming, SamplingDecision, bool, SamplingStrategy, bool, bool, SamplingReason, SamplingDecision> Cases => new()
    {
        // trust, incoming, Sampled=?, local strategy => sampled, debug, reason, ignored incoming
        { TrustIncoming.Always, SamplingDecision.Sampled, false, SamplingStrategy.Never, true, false, SamplingReason.Incoming, SamplingDecision.None },
        { TrustIncoming.Always, SamplingDecision.NotSampled, false, SamplingStrategy.Always, false, false, SamplingReason.Incoming, SamplingDecision.None },
        { TrustIncoming.Always, SamplingDecision.Debug, false, SamplingStrategy.Never, true, true, SamplingReason.IncomingDebug, SamplingDecision.None },
        { TrustIncoming.Always, SamplingDecision.None, false, SamplingStrategy.Always, true, false, SamplingReason.ForcedAlways, SamplingDecision.None },
        { TrustIncoming.Always, SamplingDecision.None, false, SamplingStrategy.Never, false, false, SamplingReason.ForcedNever, SamplingDecision.None },
        { TrustIncoming.Always, SamplingDecision.None, true, SamplingStrategy.Always, true, false, SamplingReason.ForcedAlways, SamplingDecision.None },
        { TrustIncoming.Always, SamplingDecision.None, true, SamplingStrategy.Never, false, false, SamplingReason.ForcedNever, SamplingDecision.None },
        { TrustIncoming.Always, SamplingDecision.Sampled, true, SamplingStrategy.Never, true, false, SamplingReason.Incoming, SamplingDecision.None },
        { TrustIncoming.Always, (SamplingDecision)9, false, SamplingStrategy.Never, false, false, SamplingReason.ForcedNever, SamplingDecision.None },

        { TrustIncoming.Never, SamplingDecision.Sampled, false, SamplingStrategy.Never, false, false, SamplingReason.ForcedNever, SamplingDecision.Sampled },
        { TrustIncoming.Never, SamplingDecision.Debug, false, SamplingStrategy.Never, false, false, SamplingReason.ForcedNever, SamplingDecision.Debug },
        { TrustIncoming.Never, SamplingDecision.Debug, false, SamplingStrategy.Always, true, false, SamplingReason.ForcedAlways, SamplingDecision.Debug },
        { TrustIncoming.Never, SamplingDecision.NotSampled, false, SamplingStrategy.Always, true, false, SamplingReason.ForcedAlways, SamplingDecision.NotSampled },
        { TrustIncoming.Never, SamplingDecision.None, true, SamplingStrategy.Always, true, false, SamplingReason.ForcedAlways, SamplingDecision.None },
        { TrustIncoming.Never, SamplingDecision.None, false, SamplingStrategy.Never, false, false, SamplingReason.ForcedNever, SamplingDecision.None },

        { TrustIncoming.DenyOnly, SamplingDecision.NotSampled, false, SamplingStrategy.Always, false, false, SamplingReason.Incoming, SamplingDecision.None },
        { TrustIncoming.DenyOnly, SamplingDecision.Sampled, false, SamplingStrategy.Never, false, false, SamplingReason.ForcedNever, SamplingDecision.Sampled },
        { TrustIncoming.DenyOnly, SamplingDecision.Sampled, false, SamplingStrategy.Always, true, false, SamplingReason.ForcedAlways, SamplingDecision.Sampled },
        { TrustIncoming.DenyOnly, SamplingDecision.Debug, false, SamplingStrategy.Always, true, false, SamplingReason.ForcedAlways, SamplingDecision.Debug },
        { TrustIncoming.DenyOnly, SamplingDecision.None, true, SamplingStrategy.Always, true, false, SamplingReason.ForcedAlways, SamplingDecision.None },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Incoming_decision_is_followed_or_ignored_per_trust_mode(
        TrustIncoming trust,
        SamplingDecision incoming,
        bool requested,
        SamplingStrategy strategy,
        bool sampled,
        bool debug,
        SamplingReason reason,
        SamplingDecision ignored)
    {
        var sampler = new Sampler(new SamplingOptions { TrustIncoming = trust, Strategy = strategy }, ManualTimeProvider.At("2026-03-01T12:00:00Z"), new FixedRandomSource(0.5));

        var result = sampler.Decide(incoming: incoming, requested: requested);

        Assert.Equal(new SamplingResult(sampled, debug, reason) { IgnoredIncoming = ignored }, result);
        Assert.Equal(ignored != SamplingDecision.None, result.IncomingIgnored);
    }

    [Theory]
    [InlineData(TrustIncoming.Always)]
    [InlineData(TrustIncoming.Never)]
    [InlineData(TrustIncoming.DenyOnly)]
    public void XRay_sampled_question_mark_uses_the_local_rules_like_the_SDK(TrustIncoming trust)
    {
        var sampler = new Sampler(
            new SamplingOptions { TrustIncoming = trust, RulesJson = TestInputs.SingleRule(fixedTarget: 1, rate: 0) },
            ManualTimeProvider.At("2026-03-01T12:00:00Z"),
            new FixedRandomSource(0.5));

        Assert.Equal(new SamplingResult(true, false, SamplingReason.Reservoir), sampler.Decide(requested: true));
        Assert.Equal(new SamplingResult(false, false, SamplingReason.RuleNotSampled), sampler.Decide(requested: true));
    }

    [Fact]
    public void Ignored_forced_sampling_still_spends_the_local_budget_and_keeps_the_local_reason()
    {
        var sampler = new Sampler(
            new SamplingOptions { TrustIncoming = TrustIncoming.Never, RulesJson = TestInputs.SingleRule(fixedTarget: 1, rate: 0) },
            ManualTimeProvider.At("2026-03-01T12:00:00Z"),
            new FixedRandomSource(0.5));

        Assert.Equal(
            new SamplingResult(true, false, SamplingReason.Reservoir) { IgnoredIncoming = SamplingDecision.Sampled },
            sampler.Decide(incoming: SamplingDecision.Sampled));
        Assert.Equal(
            new SamplingResult(false, false, SamplingReason.RuleNotSampled) { IgnoredIncoming = SamplingDecision.Debug },
            sampler.Decide(incoming: SamplingDecision.Debug));
    }

    [Fact]
    public void Input_can_be_built_from_the_chosen_trace_context()
    {
        var context = new TraceContext(TestInputs.AnyTraceId, default, default, SamplingDecision.None, TraceFormat.XRay) { SamplingRequested = true };

        var input = SamplingInput.From(context, context.TraceId, "api.example.com", "GET", "/x?y=1");

        Assert.Equal(SamplingDecision.None, input.Incoming);
        Assert.True(input.SamplingRequested);
        Assert.Equal(TestInputs.AnyTraceId, input.TraceId);
        Assert.Equal("api.example.com", input.Host.ToString());
        Assert.Equal("GET", input.Method.ToString());
        Assert.Equal("/x?y=1", input.Path.ToString());
    }
}
