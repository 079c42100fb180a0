using System.Net;
using EnvoyTraceFilter.ScenarioApp;

// The app behind Envoy in the container tests (see ScenarioAppServer), on its fixed container ports.
await using var server = await ScenarioAppServer.StartAsync(
    IPAddress.Any, ScenarioAppServer.AppPort, ScenarioAppServer.ControlPort, ScenarioAppServer.XRayPort);
await server.WaitForShutdownAsync();
