using EnvoyTraceFilter.Load.Faults;

namespace EnvoyTraceFilter.Load.Tests;

public sealed class FaultOptionsTests
{
    [Fact]
    public void Modes_default_to_every_fault_and_healthy_and_parse_from_a_list()
    {
        var binary = typeof(FaultOptionsTests).Assembly.Location;

        Assert.Equal(["healthy", "zipkin-hang", "zipkin-500", "zipkin-slow", "zipkin-refused", "xray-dead", "xray-unresolvable"],
            FaultOptions.Parse(["--filter-bin", binary]).Modes);
        var options = FaultOptions.Parse(["--filter-bin", binary, "--modes", "healthy, zipkin-hang", "--rate", "500", "--reps", "3"]);
        Assert.Equal(["healthy", "zipkin-hang"], options.Modes);
        Assert.Equal((500, 3), (options.Rate, options.Reps));
    }

    [Fact]
    public void Unknown_mode_is_refused_naming_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => FaultOptions.Parse(["--filter-bin", typeof(FaultOptionsTests).Assembly.Location, "--modes", "zipkin-on-fire"]));

        Assert.Equal("unknown fault mode 'zipkin-on-fire' (healthy, zipkin-hang, zipkin-500, zipkin-slow, zipkin-refused, xray-dead, xray-unresolvable)", error.Message);
    }
}
