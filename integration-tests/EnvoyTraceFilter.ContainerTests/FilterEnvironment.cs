namespace EnvoyTraceFilter.ContainerTests;

/// <summary>The filter container's environment for one scenario: where the spans go, then the scenario's settings.</summary>
public static class FilterEnvironment
{
    /// <summary>
    /// As the emulator runner does (scenarios/README.md): both exporters on, aimed at the Zipkin container and the app
    /// container's X-Ray socket; the scenario's <c>TraceFilter:...</c> keys as .NET environment names (":" → "__").
    /// No drain delay: each scenario stops its filter, and nothing is in flight by then.
    /// </summary>
    public static IReadOnlyDictionary<string, string> For(IReadOnlyDictionary<string, string> configuration, string zipkinEndpoint, string xrayDaemon)
    {
        var environment = new Dictionary<string, string>
        {
            ["TraceFilter__Zipkin__Enabled"] = "true",
            ["TraceFilter__Zipkin__Endpoint"] = zipkinEndpoint,
            ["TraceFilter__XRay__Enabled"] = "true",
            ["TraceFilter__XRay__DaemonAddress"] = xrayDaemon,
            ["TraceFilter__Shutdown__DrainDelay"] = "00:00:00",
        };
        foreach (var (key, value) in configuration)
        {
            environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return environment;
    }
}
