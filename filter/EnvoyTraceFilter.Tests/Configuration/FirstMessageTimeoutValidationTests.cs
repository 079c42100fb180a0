using EnvoyTraceFilter.Configuration;

namespace EnvoyTraceFilter.Tests.Configuration;

/// <summary>TraceFilter:ExtProc:FirstMessageTimeout: 10 s by default, positive and at most an hour.</summary>
public sealed class FirstMessageTimeoutValidationTests
{
    private static IEnumerable<string> Errors(TimeSpan timeout)
    {
        var options = new TraceFilterOptions();
        options.ExtProc.FirstMessageTimeout = timeout;
        return new TraceFilterOptionsValidator().Validate(null, options).Failures ?? [];
    }

    [Fact]
    public void Default_IsTenSeconds_AndReachesTheSnapshot()
    {
        var options = new TraceFilterOptions();

        Assert.Equal(TimeSpan.FromSeconds(10), options.ExtProc.FirstMessageTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), FilterSnapshotCompiler.TryCompile(options, [])!.FirstMessageTimeout);
    }

    [Theory]
    [InlineData("00:00:00", "00:00:00")]
    [InlineData("-00:00:01", "-00:00:01")]
    [InlineData("01:00:00.001", "01:00:00.0010000")]
    public void ZeroNegativeOrOverAnHour_IsRejectedNamingTheKey(string value, string shown) =>
        Assert.Equal(
            [$"TraceFilter:ExtProc:FirstMessageTimeout must be positive and at most 01:00:00 (default 00:00:10; Envoy sends request_headers as soon as it opens a stream); was {shown}."],
            Errors(TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("00:00:00.001")]
    [InlineData("01:00:00")]
    public void BoundsAreAccepted(string value) =>
        Assert.Empty(Errors(TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
}
