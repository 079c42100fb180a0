using EnvoyTraceFilter.Telemetry;
using EnvoyTraceFilter.Tests.Exporters.XRay;

namespace EnvoyTraceFilter.Tests.Telemetry;

public sealed class LogLimiterTests
{
    [Fact]
    public void One_line_per_interval_then_reports_how_many_were_held_back()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var limiter = new LogLimiter(time, TimeSpan.FromSeconds(10));

        Assert.True(limiter.TryAcquire(out var suppressed));
        Assert.Equal(0, suppressed);
        Assert.False(limiter.TryAcquire(out _));
        time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(limiter.TryAcquire(out _));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire(out suppressed));
        Assert.Equal(2, suppressed);
    }

    [Fact]
    public void ErrorLogLimiter_UsesTheIntervalOfEachCall_PerKind()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch.AddDays(20_000));
        var limiter = new EnvoyTraceFilter.ExtProc.ErrorLogLimiter(time);

        Assert.True(limiter.ShouldLog(EnvoyTraceFilter.ExtProc.ErrorKind.HandlerException, TimeSpan.FromSeconds(10)));
        Assert.False(limiter.ShouldLog(EnvoyTraceFilter.ExtProc.ErrorKind.HandlerException, TimeSpan.FromSeconds(10)));
        // Kinds are limited independently.
        Assert.True(limiter.ShouldLog(EnvoyTraceFilter.ExtProc.ErrorKind.StreamFault, TimeSpan.FromSeconds(10)));
        time.Advance(TimeSpan.FromSeconds(10));
        // A reloaded interval of 0 lets every line through.
        Assert.True(limiter.ShouldLog(EnvoyTraceFilter.ExtProc.ErrorKind.HandlerException, TimeSpan.Zero));
        time.Advance(TimeSpan.FromTicks(1));
        Assert.True(limiter.ShouldLog(EnvoyTraceFilter.ExtProc.ErrorKind.HandlerException, TimeSpan.Zero));
    }
}
