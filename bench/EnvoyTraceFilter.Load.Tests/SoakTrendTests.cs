using EnvoyTraceFilter.Load.Soak;

namespace EnvoyTraceFilter.Load.Tests;

public sealed class SoakTrendTests
{
    private static IEnumerable<(double, double?)> Series(Func<double, double> value) =>
        Enumerable.Range(0, 151).Select(i => (i * 10.0, (double?)value(i * 10.0)));

    [Fact]
    public void Slope_is_per_ten_minutes_and_a_leak_of_a_few_mib_is_not_flat()
    {
        // 5 MiB more every 10 minutes on top of 200 MiB: beyond the tolerance, max(2 % of the mean 206, 2) = 4.1.
        var trend = SoakTrend.Of("RSS", "MiB", 2, Series(seconds => 200 + 5 * seconds / 600))!;

        Assert.Equal(5, trend.SlopePer10Min, 6);
        Assert.Equal((200, 212.5), (trend.First, trend.Last));
        Assert.False(trend.Flat);
    }

    [Fact]
    public void A_sawtooth_without_drift_is_flat()
    {
        var trend = SoakTrend.Of("GC heap", "MiB", 1, Series(seconds => 15 + (seconds % 60 == 0 ? 8 : 0)))!;

        Assert.InRange(trend.SlopePer10Min, -0.1, 0.1);
        Assert.True(trend.Flat);
    }

    [Fact]
    public void Missing_readings_are_skipped_and_too_few_give_no_trend()
    {
        Assert.Null(SoakTrend.Of("fds", "", 1, [(0, 1), (10, null), (20, 1)]));
        Assert.Equal(3, SoakTrend.Of("fds", "", 1, [(0, 1), (10, null), (20, 1), (30, 1)])!.Samples);
    }

    [Fact]
    public void Warm_up_defaults_to_five_minutes_or_a_quarter_of_a_short_run()
    {
        Assert.Equal(5, SoakOptions.Parse(["--filter-bin", "f"]).WarmupMinutes);
        Assert.Equal(0.5, SoakOptions.Parse(["--filter-bin", "f", "--minutes", "2"]).WarmupMinutes);
        Assert.Equal(1, SoakOptions.Parse(["--filter-bin", "f", "--minutes", "2", "--warmup-minutes", "1"]).WarmupMinutes);
        Assert.Throws<ArgumentException>(() => SoakOptions.Parse(["--minutes", "2"]));
    }
}
