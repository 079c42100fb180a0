using EnvoyTraceFilter.Configuration;

namespace EnvoyTraceFilter.Tests.Configuration;

public sealed class TraceFilterOptionsValidatorTests
{
    private static IEnumerable<string> Errors(Action<TraceFilterOptions> configure)
    {
        var options = new TraceFilterOptions();
        configure(options);
        var result = new TraceFilterOptionsValidator().Validate(null, options);
        return result.Failures ?? [];
    }

    [Fact]
    public void Validate_Defaults_Succeed() => Assert.Empty(Errors(_ => { }));

    [Fact]
    public void Validate_ReportsEveryErrorAtOnce()
    {
        var errors = Errors(o =>
        {
            o.Port = 70000;
            o.ListenAddress = "localhost";
            o.ExtProc.FinishStreamAfter = "Sometimes";
            o.Propagation.Mode = "Hopp";
            o.Propagation.Outputs = ["B3Multi", "Zipkin", "B3Multi"];
        });

        Assert.Equal(
            [
                "TraceFilter:Port must be between 1 and 65535 (0 picks a free port); was 70000.",
                "TraceFilter:ListenAddress 'localhost' is not an IP address; use an address such as 127.0.0.1 or \"*\" for all interfaces.",
                "TraceFilter:ExtProc:FinishStreamAfter 'Sometimes' is not valid; use one of ResponseHeaders, RequestHeaders, Never.",
                "TraceFilter:Propagation:Outputs[1] 'Zipkin' is not valid; use one of B3Single, B3Multi, TraceParent, XRay, CloudTrace.",
                "TraceFilter:Propagation:Outputs[2] repeats B3Multi; list each format once.",
                "TraceFilter:Propagation:Mode 'Hopp' is not valid; use one of Hop, TranslateOnly.",
            ],
            errors);
    }

    [Fact]
    public void Defaults_MaxStreamsPerConnection_IsEnvoysMaxConcurrentStreams() =>
        Assert.Equal(1024, new TraceFilterOptions().MaxStreamsPerConnection);

    [Fact]
    public void Validate_MaxStreamsPerConnectionBelowOne_NamesTheKeyAndTheRecommendation()
    {
        var errors = Errors(o => o.MaxStreamsPerConnection = 0);

        Assert.Equal(["TraceFilter:MaxStreamsPerConnection must be at least 1 (1024, Envoy's max_concurrent_streams, recommended); was 0."], errors);
    }

    [Fact]
    public void Validate_B3BelowAnotherFormat_IsRejectedWithTheReason()
    {
        var errors = Errors(o => o.Propagation.Precedence = ["TraceParent", "B3Single"]);

        Assert.Equal(["TraceFilter:Propagation:Precedence lists B3Single after TraceParent; B3 formats must come first, because a valid incoming B3 trace id is never replaced."], errors);
    }

    [Fact]
    public void Validate_NumericEnumValue_IsRejected()
    {
        var errors = Errors(o => o.Propagation.Mode = "1");

        Assert.Equal(["TraceFilter:Propagation:Mode '1' is not valid; use one of Hop, TranslateOnly."], errors);
    }
}
