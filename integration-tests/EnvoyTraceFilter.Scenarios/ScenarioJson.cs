using System.Text.Json;

namespace EnvoyTraceFilter.Scenarios;

/// <summary>Typed reads from a scenario file whose errors name the file and the field.</summary>
internal sealed class ScenarioJson(string file)
{
    public JsonElement Object(JsonElement owner, string name, string prefix = "") =>
        Get(owner, name, prefix, JsonValueKind.Object, "an object");

    public string String(JsonElement owner, string name, string prefix = "") =>
        Get(owner, name, prefix, JsonValueKind.String, "a string").GetString()!;

    public string StringValue(JsonElement value, string path) => value.ValueKind == JsonValueKind.String
        ? value.GetString()!
        : throw new InvalidDataException($"{file}: {path} must be a string, got {value.GetRawText()}");

    public int Int(JsonElement owner, string name, string prefix = "") =>
        Get(owner, name, prefix, JsonValueKind.Number, "a number").TryGetInt32(out var value)
            ? value
            : throw new InvalidDataException($"{file}: {prefix}{name} must be an integer");

    /// <summary>"headers": [[name, value], ...] in order; absent means none.</summary>
    public IReadOnlyList<(string Name, string Value)> Headers(JsonElement owner, string prefix)
    {
        if (!owner.TryGetProperty("headers", out var headers))
        {
            return [];
        }

        if (headers.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"{file}: {prefix}headers must be an array of [name, value] pairs");
        }

        return headers.EnumerateArray().Select((pair, i) =>
            pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2
            && pair[0].ValueKind == JsonValueKind.String && pair[1].ValueKind == JsonValueKind.String
                ? (pair[0].GetString()!, pair[1].GetString()!)
                : throw new InvalidDataException($"{file}: {prefix}headers[{i}] must be a [name, value] pair of strings, got {pair.GetRawText()}"))
            .ToList();
    }

    private JsonElement Get(JsonElement owner, string name, string prefix, JsonValueKind kind, string what)
    {
        if (!owner.TryGetProperty(name, out var value))
        {
            throw new InvalidDataException($"{file}: {prefix}{name} is missing");
        }

        return value.ValueKind == kind ? value : throw new InvalidDataException($"{file}: {prefix}{name} must be {what}, got {value.GetRawText()}");
    }
}
