using EnvoyTraceFilter.Exporters.XRay;

namespace EnvoyTraceFilter.Tests.Exporters.XRay;

public sealed class XRayLogLimiterTests
{
    [Fact]
    public void One_line_per_interval_then_reports_how_many_were_held_back()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var limiter = new XRayLogLimiter(time, TimeSpan.FromSeconds(10));

        Assert.True(limiter.TryAcquire(out var suppressed));
        Assert.Equal(0, suppressed);
        Assert.False(limiter.TryAcquire(out _));
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(limiter.TryAcquire(out _));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire(out suppressed));
        Assert.Equal(2, suppressed);
    }
}
