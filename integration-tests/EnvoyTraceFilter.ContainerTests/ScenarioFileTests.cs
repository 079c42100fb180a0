using EnvoyTraceFilter.Scenarios;

namespace EnvoyTraceFilter.ContainerTests;

/// <summary>The shared scenario loader (EnvoyTraceFilter.Scenarios), which ScenarioTests and the container tests both use.</summary>
public sealed class ScenarioFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scenario-files-").FullName;

    [Fact]
    public void Names_AreEveryJsonFileOfTheScenarioDirectory_InOrdinalOrder()
    {
        var onDisk = Directory.GetFiles(Path.Combine(ScenarioFiles.RepositoryRoot, "integration-tests", "scenarios"), "*.json")
            .Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(onDisk, ScenarioFiles.Names());
        Assert.Contains("google-cloud-trace-context.json", ScenarioFiles.Names());
    }

    [Fact]
    public void EveryScenarioFile_Loads()
    {
        Assert.All(ScenarioFiles.Names(), name => Assert.Equal(name, ScenarioFiles.Load(name).Name));
    }

    [Fact]
    public void Load_ReadsEveryPart_HeadersInOrder()
    {
        var scenario = ScenarioFiles.Load("google-cloud-trace-context.json");

        Assert.Equal(("GET", "api.example.com", "/orders/42?full=1", "198.51.100.7:50000"),
            (scenario.Request.Method, scenario.Request.Authority, scenario.Request.Path, scenario.Request.Peer));
        Assert.Equal(
            [("x-forwarded-for", "6.6.6.6, 203.0.113.7"), ("user-agent", "curl/8.5 \"quoted\""),
             ("x-cloud-trace-context", "4bf92f3577b34da6a3ce929d0e0e4736/17725314949316355921;o=1")],
            scenario.Request.Headers);
        Assert.Equal(200, scenario.UpstreamResponse.Status);
        Assert.Equal([("content-length", "12")], scenario.UpstreamResponse.Headers);
        Assert.Equal("Passthrough", scenario.Configuration["TraceFilter:XRay:TraceIdPolicy"]);
        Assert.True(scenario.Expect.HasZipkin && scenario.Expect.HasXRay);
    }

    [Theory]
    [InlineData("""{"configuration": {}, "request": {}, "upstreamResponse": {"status": 200}, "expect": {}}""", "x.json: description is missing")]
    [InlineData("""{"description": "d", "configuration": {"k": 1}, "request": {}, "upstreamResponse": {"status": 200}, "expect": {}}""",
        "x.json: configuration.k must be a string, got 1")]
    [InlineData("""{"description": "d", "configuration": {}, "request": {"method": "GET", "authority": "a", "path": "/", "peer": "1.2.3.4:5", "headers": [["b3"]]}, "upstreamResponse": {"status": 200}, "expect": {}}""",
        """x.json: request.headers[0] must be a [name, value] pair of strings, got ["b3"]""")]
    [InlineData("""{"description": "d", "configuration": {}, "request": {"method": "GET", "authority": "a", "path": "/", "peer": "1.2.3.4:5"}, "upstreamResponse": {"status": "200"}, "expect": {}}""",
        "x.json: upstreamResponse.status must be a number, got \"200\"")]
    [InlineData("{", "x.json: not JSON: ")]
    public void Load_BadFile_FailsNamingTheFileAndTheField(string json, string message)
    {
        var path = Path.Combine(_directory, "x.json");
        File.WriteAllText(path, json);

        var error = Assert.Throws<InvalidDataException>(() => Scenario.Load(path));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
