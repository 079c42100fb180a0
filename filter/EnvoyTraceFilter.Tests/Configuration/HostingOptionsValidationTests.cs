using EnvoyTraceFilter.Configuration;

namespace EnvoyTraceFilter.Tests.Configuration;

/// <summary>Admin listener, drain and connection-age settings: each bad value is named with its key.</summary>
public sealed class HostingOptionsValidationTests
{
    private static IEnumerable<string> Errors(Action<TraceFilterOptions> configure)
    {
        var options = new TraceFilterOptions();
        configure(options);
        return new TraceFilterOptionsValidator().Validate(null, options).Failures ?? [];
    }

    [Fact]
    public void Defaults_AdminOn9901_DrainFiveSeconds_GraceTwenty_NoConnectionAge()
    {
        var options = new TraceFilterOptions();

        Assert.Empty(Errors(_ => { }));
        Assert.True(options.Admin.Enabled);
        Assert.Equal(9901, options.Admin.Port);
        Assert.Equal("*", options.Admin.ListenAddress);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Shutdown.DrainDelay);
        Assert.Equal(TimeSpan.FromSeconds(20), options.Shutdown.GracePeriod);
        Assert.Null(options.MaxConnectionAge);
    }

    [Fact]
    public void EveryBadHostingValue_ReportedAtOnce()
    {
        var errors = Errors(o =>
        {
            o.Admin.Port = 70000;
            o.Admin.ListenAddress = "localhost";
            o.Shutdown.DrainDelay = TimeSpan.FromSeconds(-1);
            o.Shutdown.GracePeriod = TimeSpan.FromSeconds(-2);
            o.MaxConnectionAge = TimeSpan.Zero;
        });

        Assert.Equal(
        [
            "TraceFilter:Admin:Port must be between 1 and 65535 (0 picks a free port); was 70000.",
            "TraceFilter:Admin:ListenAddress 'localhost' is not an IP address; use an address such as 127.0.0.1 or \"*\" for all interfaces.",
            "TraceFilter:Shutdown:DrainDelay must be 00:00:00 or more; was -00:00:01.",
            "TraceFilter:Shutdown:GracePeriod must be 00:00:00 or more; was -00:00:02.",
            "TraceFilter:MaxConnectionAge must be positive (e.g. 00:05:00), or unset to keep connections open; was 00:00:00.",
        ], errors);
    }

    [Fact]
    public void AdminPortEqualToExtProcPort_IsRejected_UnlessBothPickFreePorts()
    {
        Assert.Equal(
            ["TraceFilter:Admin:Port 50051 is also TraceFilter:Port; the admin listener (HTTP/1.1) needs a port of its own."],
            Errors(o => o.Admin.Port = 50051));
        Assert.Empty(Errors(o => (o.Port, o.Admin.Port) = (0, 0)));
    }

    [Fact]
    public void DisabledAdmin_ItsSettingsAreNotChecked() =>
        Assert.Empty(Errors(o => (o.Admin.Enabled, o.Admin.Port) = (false, 50051)));
}
