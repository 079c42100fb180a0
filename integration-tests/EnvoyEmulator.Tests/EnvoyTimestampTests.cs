namespace EnvoyEmulator.Tests;

/// <summary>request.time as Envoy prints a CEL timestamp: absl RFC3339_full in UTC.</summary>
public sealed class EnvoyTimestampTests
{
    private static readonly DateTimeOffset Second = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Theory]
    [InlineData(1_234_567, 89, "2025-01-02T03:04:05.123456789+00:00")] // the usual case: 9 digits
    [InlineData(1_234_567, 80, "2025-01-02T03:04:05.12345678+00:00")] // trailing zeros cut...
    [InlineData(1_234_560, 0, "2025-01-02T03:04:05.123456+00:00")]
    [InlineData(1_000_000, 0, "2025-01-02T03:04:05.1+00:00")]
    [InlineData(0, 1, "2025-01-02T03:04:05.000000001+00:00")] // ...leading ones kept
    [InlineData(0, 0, "2025-01-02T03:04:05+00:00")] // a whole second has no fraction at all
    public void Fraction_has_as_many_digits_as_the_nanoseconds_need(long ticks, int nanos, string expected) =>
        Assert.Equal(expected, EnvoyTimestamp.Format(Second.AddTicks(ticks), nanos));

    [Fact]
    public void Other_offsets_are_printed_in_utc_with_plus_zero_zone() =>
        Assert.Equal("2025-01-02T01:04:05.5+00:00",
            EnvoyTimestamp.Format(new DateTimeOffset(2025, 1, 2, 3, 4, 5, 500, TimeSpan.FromHours(2)), 0));

    [Theory]
    [InlineData(-1)]
    [InlineData(100)]
    public void Sub_tick_nanoseconds_stay_below_one_tick(int nanos) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => EnvoyTimestamp.Format(Second, nanos));
}
