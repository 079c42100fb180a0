using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace EnvoyEmulator;

/// <summary>
/// Strict access to one YAML mapping of an Envoy config. Keys may be snake_case or lowerCamelCase (proto
/// JSON accepts both). Every key must be read or explicitly ignored before <see cref="Finish"/>, so a field
/// the emulator does not model fails loudly instead of being silently dropped.
/// </summary>
internal sealed partial class YamlFields
{
    private readonly Dictionary<string, (string Key, YamlNode Node)> _fields = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public YamlFields(YamlNode node, string path, string source)
    {
        Path = path;
        Source = source;
        Node = node;
        if (node is not YamlMappingNode mapping)
        {
            throw Fail("expected a mapping");
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            // Map keys such as extension names (with dots) are not field names and stay as written.
            var normalised = CamelCaseField().IsMatch(key) ? SnakeCase(key) : key;
            if (!_fields.TryAdd(normalised, (key, value)))
            {
                throw new EnvoyYamlException(source, Child(path, key), keyNode.Start.Line, "field given twice");
            }
        }
    }

    public string Path { get; }

    public string Source { get; }

    public YamlNode Node { get; }

    public bool Has(string key) => _fields.ContainsKey(key);

    public YamlFields? Mapping(string key) => Take(key) is { } f ? new YamlFields(f.Node, f.Path, Source) : null;

    public YamlFields RequiredMapping(string key) => Mapping(key) ?? throw Fail($"'{key}' is required");

    public IReadOnlyList<YamlFields> Mappings(string key) =>
        Sequence(key).Select(e => new YamlFields(e.Node, e.Path, Source)).ToList();

    public string? String(string key) => Take(key) is { } f ? Scalar(f.Node, f.Path) : null;

    public bool? Bool(string key)
    {
        if (Take(key) is not { } f)
        {
            return null;
        }

        return Scalar(f.Node, f.Path) switch
        {
            "true" => true,
            "false" => false,
            var other => throw At(f.Node, f.Path, $"'{other}' is not a boolean"),
        };
    }

    public uint? UInt(string key)
    {
        if (Take(key) is not { } f)
        {
            return null;
        }

        var text = Scalar(f.Node, f.Path);
        return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw At(f.Node, f.Path, $"'{text}' is not an unsigned 32-bit number");
    }

    /// <summary>An unsigned number Envoy's proto validation bounds to [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int? Int(string key, int min, int max)
    {
        if (Take(key) is not { } f)
        {
            return null;
        }

        var text = Scalar(f.Node, f.Path);
        if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            throw At(f.Node, f.Path, $"'{text}' is not an unsigned 32-bit number");
        }

        return n >= min && n <= max
            ? (int)n
            : throw At(f.Node, f.Path, string.Create(CultureInfo.InvariantCulture, $"{n} is outside Envoy's range {min}..{max}"));
    }

    /// <summary>A google.protobuf.Duration in proto JSON form: "0.1s", "1s", "1.000000001s".</summary>
    public TimeSpan? Duration(string key)
    {
        if (Take(key) is not { } f)
        {
            return null;
        }

        var text = Scalar(f.Node, f.Path);
        var match = DurationText().Match(text);
        if (!match.Success)
        {
            throw At(f.Node, f.Path, $"'{text}' is not a duration like \"0.1s\"");
        }

        var seconds = long.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture);
        var nanos = match.Groups["f"].Success ? long.Parse(match.Groups["f"].Value.PadRight(9, '0'), CultureInfo.InvariantCulture) : 0;
        return TimeSpan.FromSeconds(seconds) + TimeSpan.FromTicks(nanos / 100);
    }

    public IReadOnlyList<string>? Strings(string key) =>
        Has(key) ? Sequence(key).Select(e => Scalar(e.Node, e.Path)).ToList() : null;

    /// <summary>The field as JSON text (plain YAML scalars typed as Envoy's YAML loader types them).</summary>
    public (string Json, string Path, YamlNode Node)? Json(string key)
    {
        if (Take(key) is not { } f)
        {
            return null;
        }

        var json = new StringBuilder();
        WriteJson(f.Node, json);
        return (json.ToString(), f.Path, f.Node);
    }

    /// <summary>Marks fields that exist in Envoy's API but change nothing the filter can observe.</summary>
    public void Ignore(params string[] keys)
    {
        foreach (var key in keys)
        {
            _seen.Add(key);
        }
    }

    /// <summary>Fails if the field is present: Envoy would act on it and the emulator does not.</summary>
    public void Reject(string key, string why)
    {
        if (_fields.TryGetValue(key, out var f))
        {
            throw At(f.Node, Child(Path, f.Key), why);
        }
    }

    /// <summary>Fails on the first field that was neither read nor ignored.</summary>
    public void Finish()
    {
        foreach (var (normalised, (key, node)) in _fields)
        {
            if (!_seen.Contains(normalised))
            {
                throw At(node, Child(Path, key),
                    "unknown field, or one the emulator does not model (it would not behave as Envoy does)");
            }
        }
    }

    public EnvoyYamlException Fail(string problem) => At(Node, Path, problem);

    public EnvoyYamlException FailAt(string key, string problem) =>
        _fields.TryGetValue(key, out var f) ? At(f.Node, Child(Path, f.Key), problem) : Fail(problem);

    public EnvoyYamlException At(YamlNode node, string path, string problem) =>
        new(Source, path, node.Start.Line, problem);

    private (YamlNode Node, string Path)? Take(string key)
    {
        _seen.Add(key);
        return _fields.TryGetValue(key, out var f) ? (f.Node, Child(Path, f.Key)) : null;
    }

    private IEnumerable<(YamlNode Node, string Path)> Sequence(string key)
    {
        if (Take(key) is not { } f)
        {
            return [];
        }

        if (f.Node is not YamlSequenceNode sequence)
        {
            throw At(f.Node, f.Path, "expected a list");
        }

        return sequence.Children.Select((n, i) => (n, string.Create(CultureInfo.InvariantCulture, $"{f.Path}[{i}]")));
    }

    private string Scalar(YamlNode node, string path) =>
        node is YamlScalarNode { Value: { } value } ? value : throw At(node, path, "expected a single value");

    private static string Child(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string SnakeCase(string key) =>
        string.Concat(key.Select(c => char.IsAsciiLetterUpper(c) ? "_" + char.ToLowerInvariant(c) : c.ToString()));

    private static void WriteJson(YamlNode node, StringBuilder json)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                json.Append('{');
                var first = true;
                foreach (var (key, value) in mapping.Children)
                {
                    json.Append(first ? "" : ",");
                    first = false;
                    json.Append(System.Text.Json.JsonSerializer.Serialize(((YamlScalarNode)key).Value)).Append(':');
                    WriteJson(value, json);
                }

                json.Append('}');
                break;
            case YamlSequenceNode sequence:
                json.Append('[');
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    json.Append(i == 0 ? "" : ",");
                    WriteJson(sequence.Children[i], json);
                }

                json.Append(']');
                break;
            case YamlScalarNode scalar:
                var text = scalar.Value ?? "";
                var plain = scalar.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any;
                json.Append(plain && (text is "true" or "false" or "null" || PlainNumber().IsMatch(text))
                    ? text
                    : System.Text.Json.JsonSerializer.Serialize(text));
                break;
        }
    }

    [GeneratedRegex("^[a-z][a-zA-Z0-9]*$")]
    private static partial Regex CamelCaseField();

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")]
    private static partial Regex PlainNumber();

    [GeneratedRegex(@"^(?<s>[0-9]{1,12})(\.(?<f>[0-9]{1,9}))?s$")]
    private static partial Regex DurationText();
}
