using System.Text.Json;

namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>Walks the rules document and collects every error instead of stopping at the first.</summary>
internal static class XRaySamplingRulesParser
{
    public static XRaySamplingRules? Parse(string json, List<string> errors)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            // ArgumentException / InvalidOperationException: text that cannot even be transcoded (lone surrogates).
            errors.Add($"{SamplingOptions.RulesJsonKey} is not valid JSON: {ex.Message}");
            return null;
        }

        using (document)
        {
            if (!StringsDecode(document.RootElement))
            {
                errors.Add($"{SamplingOptions.RulesJsonKey} is not valid JSON: a \\u escape in a string is half of a surrogate pair without the other half");
                return null;
            }

            return ParseRoot(document.RootElement, errors);
        }
    }

    // JsonDocument.Parse accepts "\ud800" with no low surrogate after it, but reading that string (or property name)
    // throws InvalidOperationException; found by fuzzing. Every string is read once here so the walk below cannot throw.
    private static bool StringsDecode(JsonElement element)
    {
        try
        {
            ReadStrings(element);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // Depth is bounded by JsonDocument's own limit (64 levels).
    private static void ReadStrings(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    ReadStrings(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    ReadStrings(item);
                }

                break;
            case JsonValueKind.String:
                _ = element.GetString();
                break;
        }
    }

    private static XRaySamplingRules? ParseRoot(JsonElement root, List<string> errors)
    {
        var key = SamplingOptions.RulesJsonKey;
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{key} must be a JSON object with \"version\", \"default\" and optional \"rules\" (was {XRaySamplingRuleReader.Shorten(root)})");
            return null;
        }

        JsonElement? versionElement = null, rulesElement = null, defaultElement = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                errors.Add($"{key} has duplicate property \"{property.Name}\"");
                continue;
            }

            switch (property.Name)
            {
                case "version": versionElement = property.Value; break;
                case "rules": rulesElement = property.Value; break;
                case "default": defaultElement = property.Value; break;
                default:
                    errors.Add($"{key} has unknown property \"{property.Name}\" (allowed: version, rules, default)");
                    break;
            }
        }

        var version = ReadVersion(versionElement, errors);
        var reader = new XRaySamplingRuleReader(version, errors);

        XRaySamplingRule? defaultRule = null;
        if (defaultElement is not { } def)
        {
            errors.Add($"{key} default is required: add \"default\": {{\"fixed_target\": 1, \"rate\": 0.05}}");
        }
        else
        {
            defaultRule = reader.Read(def, "default", isDefault: true);
        }

        var rules = new List<XRaySamplingRule>();
        if (rulesElement is { } array)
        {
            if (array.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{key} rules must be an array (was {XRaySamplingRuleReader.Shorten(array)})");
            }
            else
            {
                var index = 0;
                foreach (var element in array.EnumerateArray())
                {
                    if (reader.Read(element, $"rules[{index}]", isDefault: false) is { } rule)
                    {
                        rules.Add(rule);
                    }

                    index++;
                }
            }
        }

        return errors.Count == 0 && defaultRule is not null
            ? new XRaySamplingRules(version, rules.ToArray(), defaultRule)
            : null;
    }

    // Returns 1 or 2, or 0 when missing/invalid (the rule reader then accepts either host key).
    private static int ReadVersion(JsonElement? element, List<string> errors)
    {
        var key = SamplingOptions.RulesJsonKey;
        if (element is not { } value)
        {
            errors.Add($"{key} version is required: set \"version\": 2 (rules match \"host\") or 1 (rules match \"service_name\")");
            return 0;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var version) && version is 1 or 2)
        {
            return version;
        }

        errors.Add($"{key} version must be 1 or 2 (was {XRaySamplingRuleReader.Shorten(value)})");
        return 0;
    }
}
