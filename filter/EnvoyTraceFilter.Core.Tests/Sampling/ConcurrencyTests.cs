using EnvoyTraceFilter.Core.Sampling;

namespace EnvoyTraceFilter.Core.Tests.Sampling;

public sealed class ConcurrencyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(1000)]
    public void Many_threads_with_a_frozen_clock_get_exactly_fixed_target_reservoir_grants(int fixedTarget)
    {
        const int threads = 16;
        const int decisionsPerThread = 2_000;
        var clock = ManualTimeProvider.At("2026-03-01T12:00:00Z");
        var sampler = TestInputs.RulesSampler(TestInputs.SingleRule(fixedTarget, rate: 0), clock, new FixedRandomSource(0.5));

        for (var second = 0; second < 3; second++)
        {
            var grants = RunConcurrently(sampler, threads, decisionsPerThread);

            Assert.Equal(fixedTarget, grants[SamplingReason.Reservoir]);
            Assert.Equal((threads * decisionsPerThread) - fixedTarget, grants[SamplingReason.RuleNotSampled]);
            clock.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private static Dictionary<SamplingReason, int> RunConcurrently(Sampler sampler, int threads, int decisionsPerThread)
    {
        var reservoir = 0;
        var notSampled = 0;
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            int localReservoir = 0, localNotSampled = 0;
            for (var i = 0; i < decisionsPerThread; i++)
            {
                switch (sampler.Decide(path: "/orders").Reason)
                {
                    case SamplingReason.Reservoir: localReservoir++; break;
                    case SamplingReason.RuleNotSampled: localNotSampled++; break;
                    default: throw new InvalidOperationException("unexpected reason");
                }
            }

            Interlocked.Add(ref reservoir, localReservoir);
            Interlocked.Add(ref notSampled, localNotSampled);
        })).ToList();

        workers.ForEach(worker => worker.Start());
        workers.ForEach(worker => worker.Join());
        return new() { [SamplingReason.Reservoir] = reservoir, [SamplingReason.RuleNotSampled] = notSampled };
    }
}
