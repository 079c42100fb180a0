using EnvoyTraceFilter.Configuration;

namespace EnvoyTraceFilter.Tests.Configuration;

/// <summary>TraceFilter:IdleTimeout: Kestrel's KeepAliveTimeout, 2 min 10 s by default, positive and at most a day.</summary>
public sealed class IdleTimeoutValidationTests
{
    private static IEnumerable<string> Errors(TimeSpan timeout) =>
        new TraceFilterOptionsValidator().Validate(null, new TraceFilterOptions { IdleTimeout = timeout }).Failures ?? [];

    [Fact]
    public void Default_IsKestrelsKeepAliveTimeout() =>
        Assert.Equal(new Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerLimits().KeepAliveTimeout, new TraceFilterOptions().IdleTimeout);

    [Theory]
    [InlineData("00:00:00", "00:00:00")]
    [InlineData("-00:00:01", "-00:00:01")]
    [InlineData("1.00:00:00.001", "1.00:00:00.0010000")]
    public void ZeroNegativeOrOverADay_IsRejectedNamingTheKey(string value, string shown) =>
        Assert.Equal(
            [$"TraceFilter:IdleTimeout must be positive and at most 1.00:00:00 (default 00:02:10; a connection with no open stream is closed after it); was {shown}."],
            Errors(TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("00:00:00.001")]
    [InlineData("1.00:00:00")]
    public void BoundsAreAccepted(string value) =>
        Assert.Empty(Errors(TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
}

/// <summary>TraceFilter:KeepAlivePingDelay (1 min, 0 = off, at most a day) and KeepAlivePingTimeout (20 s, positive, at most an hour).</summary>
public sealed class KeepAlivePingValidationTests
{
    private static IEnumerable<string> Errors(TimeSpan delay, TimeSpan timeout) =>
        new TraceFilterOptionsValidator().Validate(null, new TraceFilterOptions { KeepAlivePingDelay = delay, KeepAlivePingTimeout = timeout }).Failures ?? [];

    [Fact]
    public void Defaults_PingAfterAMinuteOfSilence_CloseTwentySecondsLater()
    {
        var options = new TraceFilterOptions();

        Assert.Equal((TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(20)), (options.KeepAlivePingDelay, options.KeepAlivePingTimeout));
        Assert.Empty(Errors(options.KeepAlivePingDelay, options.KeepAlivePingTimeout));
    }

    [Fact]
    public void ZeroDelay_TurnsThePingOff_AndIsAccepted() => Assert.Empty(Errors(TimeSpan.Zero, TimeSpan.FromSeconds(20)));

    [Fact]
    public void OutOfRangeValues_AreRejectedNamingEachKey() =>
        Assert.Equal(
            [
                "TraceFilter:KeepAlivePingDelay must be between 00:00:00 (off) and 1.00:00:00 (default 00:01:00); was -00:00:01.",
                "TraceFilter:KeepAlivePingTimeout must be positive and at most 01:00:00 (default 00:00:20); was 00:00:00.",
            ],
            Errors(TimeSpan.FromSeconds(-1), TimeSpan.Zero));
}

/// <summary>TraceFilter:MaxConnections: unset (no cap) by default; when set, at least 1.</summary>
public sealed class MaxConnectionsValidationTests
{
    private static IEnumerable<string> Errors(int? max) =>
        new TraceFilterOptionsValidator().Validate(null, new TraceFilterOptions { MaxConnections = max }).Failures ?? [];

    [Fact]
    public void Default_IsNoCap() => Assert.Null(new TraceFilterOptions().MaxConnections);

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void BelowOne_IsRejectedNamingTheKey(int max) =>
        Assert.Equal([$"TraceFilter:MaxConnections must be 1 or more, or unset for no cap; was {max}."], Errors(max));

    [Theory]
    [InlineData(null)]
    [InlineData(1)]
    [InlineData(100_000)]
    public void UnsetOrPositive_IsAccepted(int? max) => Assert.Empty(Errors(max));
}
