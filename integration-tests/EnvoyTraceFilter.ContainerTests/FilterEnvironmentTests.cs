namespace EnvoyTraceFilter.ContainerTests;

public sealed class FilterEnvironmentTests
{
    [Fact]
    public void ScenarioKeys_BecomeEnvironmentNames_AfterTheExporterDestinations()
    {
        var environment = FilterEnvironment.For(
            new Dictionary<string, string>
            {
                ["TraceFilter:Naming:Rules:0:Pattern"] = "*.example.com",
                ["TraceFilter:Naming:FallbackName"] = "My application",
                ["TraceFilter:XRay:TraceIdPolicy"] = "Passthrough",
            },
            "http://zipkin:9411/api/v2/spans",
            "app:2000");

        Assert.Equal(new Dictionary<string, string>
        {
            ["TraceFilter__Zipkin__Enabled"] = "true",
            ["TraceFilter__Zipkin__Endpoint"] = "http://zipkin:9411/api/v2/spans",
            ["TraceFilter__XRay__Enabled"] = "true",
            ["TraceFilter__XRay__DaemonAddress"] = "app:2000",
            ["TraceFilter__Shutdown__DrainDelay"] = "00:00:00",
            ["TraceFilter__Naming__Rules__0__Pattern"] = "*.example.com",
            ["TraceFilter__Naming__FallbackName"] = "My application",
            ["TraceFilter__XRay__TraceIdPolicy"] = "Passthrough",
        }, environment);
    }

    [Fact]
    public void ScenarioKey_WinsOverTheRunnersDefault()
    {
        var environment = FilterEnvironment.For(new Dictionary<string, string> { ["TraceFilter:XRay:Enabled"] = "false" }, "http://z", "a:1");

        Assert.Equal("false", environment["TraceFilter__XRay__Enabled"]);
    }
}
