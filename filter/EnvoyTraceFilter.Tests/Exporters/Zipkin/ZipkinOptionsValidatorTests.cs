using EnvoyTraceFilter.Exporters.Zipkin;

namespace EnvoyTraceFilter.Tests.Exporters.Zipkin;

public sealed class ZipkinOptionsValidatorTests
{
    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    [InlineData("00:05:00.001")]
    public void Export_timeout_outside_its_bounds_is_refused_naming_key_value_and_bounds(string value)
    {
        var result = new ZipkinOptionsValidator().Validate(null, new ZipkinOptions { ExportTimeout = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.Equal(
            [$"TraceFilter:Zipkin:ExportTimeout {TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)} must be greater than zero and at most 00:05:00 (a hung collector holds the export loop this long per POST; default 00:00:10)."],
            result.Failures);
    }

    [Theory]
    [InlineData("00:00:00.001")]
    [InlineData("00:00:10")]
    [InlineData("00:05:00")]
    public void Export_timeout_within_its_bounds_is_accepted(string value)
    {
        var result = new ZipkinOptionsValidator().Validate(null, new ZipkinOptions { ExportTimeout = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.True(result.Succeeded);
    }
}
