using EnvoyTraceFilter.Scenarios;

namespace EnvoyTraceFilter.ContainerTests;

/// <summary>A scenario's downstream request as an HTTP/1.1 request to Envoy's listener.</summary>
public static class ScenarioHttp
{
    /// <summary>Relative to the client's base address; Host is the scenario's authority; headers as written, in order.</summary>
    public static HttpRequestMessage Request(ScenarioRequest scenario)
    {
        var request = new HttpRequestMessage(new HttpMethod(scenario.Method), scenario.Path) { Headers = { Host = scenario.Authority } };
        foreach (var (name, value) in scenario.Headers)
        {
            // No parsing, no normalisation: a quoted user-agent or an odd trace header goes out as written.
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                throw new NotSupportedException($"request header {name}: a content header, which a request without a body cannot carry");
            }
        }

        return request;
    }
}
