using System.Diagnostics;
using EnvoyTraceFilter.Load.Measurement;

namespace EnvoyTraceFilter.Load.Tests;

public class LatencyHistogramTests
{
    private static long Micros(double us) => (long)(us * Stopwatch.Frequency / 1e6);

    [Fact]
    public void Percentiles_follow_the_recorded_ranks_within_the_bucket_error()
    {
        var histogram = new LatencyHistogram();
        for (int i = 1; i <= 1000; i++)
        {
            histogram.Record(Micros(i)); // 1 µs .. 1000 µs
        }

        Assert.Equal(1000, histogram.Count);
        Assert.InRange(histogram.PercentileMicros(50)!.Value, 500 * 0.996, 500 * 1.004);
        Assert.InRange(histogram.PercentileMicros(99)!.Value, 990 * 0.996, 990 * 1.004);
        Assert.InRange(histogram.PercentileMicros(99.9)!.Value, 999 * 0.996, 999 * 1.004);
        Assert.Equal(1000, histogram.PercentileMicros(100)!.Value, 0.5);
    }

    [Fact]
    public void Merging_adds_counts_and_keeps_the_maximum()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        a.Record(Micros(100));
        b.Record(Micros(300));
        b.Record(Micros(200));

        a.Add(b);

        Assert.Equal(3, a.Count);
        Assert.Equal(Micros(300), a.Max);
        Assert.InRange(a.PercentileMicros(50)!.Value, 200 * 0.996, 200 * 1.004);
    }

    [Fact]
    public void Empty_histogram_has_no_percentiles()
    {
        Assert.Null(new LatencyHistogram().PercentileMicros(50));
    }
}
