using System.Text.Json;

namespace EnvoyTraceFilter.Core.Sampling;

/// <summary>Reads one rule object (a custom rule or the default) and reports each problem with its JSON path.</summary>
internal sealed class XRaySamplingRuleReader(int version, List<string> errors)
{
    private const int MaxShownChars = 40;

    public XRaySamplingRule? Read(JsonElement element, string label, bool isDefault)
    {
        var where = $"{SamplingOptions.RulesJsonKey} {label}";
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{where} must be an object (was {Shorten(element)})");
            return null;
        }

        var before = errors.Count;
        string? description = null, host = null, method = null, path = null;
        int? fixedTarget = null;
        double? rate = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (var property in element.EnumerateObject())
        {
            var name = property.Name;
            var value = property.Value;
            if (!seen.Add(name))
            {
                errors.Add($"{where} has duplicate property \"{name}\"");
                continue;
            }

            switch (name)
            {
                case "description":
                    description = ReadDescription(value, where);
                    break;
                case "fixed_target":
                    fixedTarget = ReadFixedTarget(value, where);
                    break;
                case "rate":
                    rate = ReadRate(value, where);
                    break;
                case "host" or "service_name" or "http_method" or "url_path" when isDefault:
                    errors.Add($"{where} must not have \"{name}\": the default rule applies to every request no rule matches");
                    break;
                case "host" when version == 1:
                    errors.Add($"{where}.host is for version 2; with \"version\": 1 use service_name");
                    break;
                case "service_name" when version == 2:
                    errors.Add($"{where}.service_name is for version 1; with \"version\": 2 use host");
                    break;
                case "host" or "service_name":
                    if (host is not null)
                    {
                        errors.Add($"{where} has both host and service_name; keep one");
                    }

                    host = ReadPattern(value, where, name, "host");
                    break;
                case "http_method":
                    method = ReadPattern(value, where, name, "method");
                    break;
                case "url_path":
                    path = ReadPattern(value, where, name, "path");
                    break;
                default:
                    errors.Add($"{where} has unknown property \"{name}\" (allowed: {Allowed(isDefault)})");
                    break;
            }
        }

        if (!isDefault)
        {
            var hostKey = version == 1 ? "service_name" : "host";
            var otherKey = version == 1 ? "host" : "service_name";

            // The other spelling was already reported (wrong version) or accepted (version unknown): don't repeat.
            RequireSeen(seen, where, hostKey, "use \"*\" to match any host", alsoAccepted: otherKey);
            RequireSeen(seen, where, "http_method", "use \"*\" to match any method");
            RequireSeen(seen, where, "url_path", "use \"*\" to match any path");
        }

        RequireSeen(seen, where, "fixed_target", "requests per second sampled before rate applies, 0 or more");
        RequireSeen(seen, where, "rate", "a number between 0 and 1");

        if (errors.Count != before || fixedTarget is null || rate is null)
        {
            return null;
        }

        return isDefault
            ? new XRaySamplingRule(description, "*", "*", "*", fixedTarget.Value, rate.Value)
            : new XRaySamplingRule(description, host!, method!, path!, fixedTarget.Value, rate.Value);
    }

    internal static string Shorten(JsonElement element)
    {
        var raw = element.GetRawText();
        return raw.Length <= MaxShownChars ? raw : string.Concat(raw.AsSpan(0, MaxShownChars), "…");
    }

    private string Allowed(bool isDefault) => isDefault
        ? "description, fixed_target, rate"
        : version switch
        {
            1 => "description, service_name, http_method, url_path, fixed_target, rate",
            2 => "description, host, http_method, url_path, fixed_target, rate",
            _ => "description, host or service_name, http_method, url_path, fixed_target, rate",
        };

    private void RequireSeen(HashSet<string> seen, string where, string name, string hint, string? alsoAccepted = null)
    {
        if (!seen.Contains(name) && (alsoAccepted is null || !seen.Contains(alsoAccepted)))
        {
            errors.Add($"{where}.{name} is required ({hint})");
        }
    }

    private string? ReadDescription(JsonElement value, string where)
    {
        if (value.ValueKind is JsonValueKind.String or JsonValueKind.Null)
        {
            return value.GetString();
        }

        errors.Add($"{where}.description must be a string (was {Shorten(value)})");
        return null;
    }

    private string? ReadPattern(JsonElement value, string where, string name, string what)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add($"{where}.{name} must be a string pattern (was {Shorten(value)})");
            return null;
        }

        var pattern = value.GetString()!;
        if (pattern.Length == 0)
        {
            errors.Add($"{where}.{name} must not be empty (use \"*\" to match any {what})");
            return null;
        }

        return pattern;
    }

    private int? ReadFixedTarget(JsonElement value, string where)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var target) && target >= 0)
        {
            return target;
        }

        errors.Add($"{where}.fixed_target must be a whole number from 0 to {int.MaxValue} (was {Shorten(value)})");
        return null;
    }

    private double? ReadRate(JsonElement value, string where)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var rate) && rate is >= 0.0 and <= 1.0)
        {
            return rate;
        }

        errors.Add($"{where}.rate must be between 0 and 1 (was {Shorten(value)})");
        return null;
    }
}
