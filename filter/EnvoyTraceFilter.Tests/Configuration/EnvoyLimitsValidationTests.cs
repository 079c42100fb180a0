using Microsoft.Extensions.Configuration;
using EnvoyTraceFilter.Configuration;
using EnvoyTraceFilter.Core.Headers;

namespace EnvoyTraceFilter.Tests.Configuration;

public sealed class EnvoyLimitsValidationTests
{
    private static (FilterSnapshot? Snapshot, List<string> Errors) Compile(Action<EnvoyLimitsOptions> configure)
    {
        var options = new TraceFilterOptions();
        configure(options.EnvoyLimits);
        var errors = new List<string>();
        return (FilterSnapshotCompiler.TryCompile(options, errors, environment: _ => null), errors);
    }

    [Fact]
    public void Defaults_are_Envoys()
    {
        var (snapshot, errors) = Compile(_ => { });

        Assert.Empty(errors);
        Assert.Equal((new HeaderLimits(100, 61_440), new HeaderLimits(100, 61_440)), (snapshot!.RequestHeaderLimits, snapshot.ResponseHeaderLimits));
    }

    [Fact]
    public void Configured_limits_reach_the_snapshot()
    {
        var (snapshot, _) = Compile(o => (o.MaxRequestHeadersCount, o.MaxRequestHeadersKb, o.MaxResponseHeadersCount, o.MaxResponseHeadersKb) = (200, 96, 150, 8192));

        Assert.Equal((new HeaderLimits(200, 98_304), new HeaderLimits(150, 8_388_608)), (snapshot!.RequestHeaderLimits, snapshot.ResponseHeaderLimits));
    }

    [Fact]
    public void Every_bad_limit_is_reported_with_its_key()
    {
        var (snapshot, errors) = Compile(o => (o.MaxRequestHeadersCount, o.MaxRequestHeadersKb, o.MaxResponseHeadersCount, o.MaxResponseHeadersKb) = (0, 8193, -1, 0));

        Assert.Null(snapshot);
        Assert.Equal(
            [
                "TraceFilter:EnvoyLimits:MaxRequestHeadersCount must be at least 1; set it to the connection manager's max_request_headers_count (Envoy's default 100); was 0.",
                "TraceFilter:EnvoyLimits:MaxRequestHeadersKb must be between 1 and 8192; set it to the connection manager's max_request_headers_kb (Envoy's default 60); was 8193.",
                "TraceFilter:EnvoyLimits:MaxResponseHeadersCount must be at least 1; set it to the app cluster's max_headers_count (Envoy's default 100); was -1.",
                "TraceFilter:EnvoyLimits:MaxResponseHeadersKb must be between 1 and 8192; set it to the app cluster's max_response_headers_kb (Envoy's default 60); was 0.",
            ],
            errors);
    }

    [Fact]
    public void Binds_from_configuration_keys()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["TraceFilter:EnvoyLimits:MaxRequestHeadersCount"] = "120",
                ["TraceFilter:EnvoyLimits:MaxRequestHeadersKb"] = "80",
                ["TraceFilter:EnvoyLimits:MaxResponseHeadersCount"] = "110",
                ["TraceFilter:EnvoyLimits:MaxResponseHeadersKb"] = "70",
            })
            .Build();
        var options = new TraceFilterOptions();
        ConfigurationBinder.Bind(configuration.GetSection(TraceFilterOptions.SectionName), options);

        Assert.Equal((120, 80, 110, 70), (options.EnvoyLimits.MaxRequestHeadersCount, options.EnvoyLimits.MaxRequestHeadersKb,
            options.EnvoyLimits.MaxResponseHeadersCount, options.EnvoyLimits.MaxResponseHeadersKb));
    }
}
