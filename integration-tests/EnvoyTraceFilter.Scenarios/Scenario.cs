using System.Text.Json;

namespace EnvoyTraceFilter.Scenarios;

/// <summary>One integration-tests/scenarios/*.json file (format: scenarios/README.md).</summary>
public sealed record Scenario(
    string Name,
    string Description,
    IReadOnlyDictionary<string, string> Configuration,
    ScenarioRequest Request,
    ScenarioResponse UpstreamResponse,
    ScenarioExpectations Expect)
{
    /// <summary>Reads and checks one file; a missing or mistyped field fails naming the file and the field.</summary>
    public static Scenario Load(string path)
    {
        var name = Path.GetFileName(path);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{name}: not JSON: {e.Message}", e);
        }

        var fields = new ScenarioJson(name);
        var request = fields.Object(root, "request");
        var response = fields.Object(root, "upstreamResponse");
        return new Scenario(
            name,
            fields.String(root, "description"),
            fields.Object(root, "configuration").EnumerateObject().ToDictionary(p => p.Name, p => fields.StringValue(p.Value, $"configuration.{p.Name}")),
            new ScenarioRequest(
                fields.String(request, "method", "request."),
                fields.String(request, "authority", "request."),
                fields.String(request, "path", "request."),
                fields.String(request, "peer", "request."),
                fields.Headers(request, "request.")),
            new ScenarioResponse(fields.Int(response, "status", "upstreamResponse."), fields.Headers(response, "upstreamResponse.")),
            new ScenarioExpectations(fields.Object(root, "expect")));
    }

    public override string ToString() => Name;
}

/// <summary>What the client sends to Envoy. <see cref="Peer"/> is the TCP peer ("ip:port").</summary>
public sealed record ScenarioRequest(string Method, string Authority, string Path, string Peer, IReadOnlyList<(string Name, string Value)> Headers);

/// <summary>What the app answers.</summary>
public sealed record ScenarioResponse(int Status, IReadOnlyList<(string Name, string Value)> Headers);
