namespace EnvoyEmulator;

/// <summary>envoy.yaml holds something the emulator cannot run faithfully; the message names the YAML path.</summary>
public sealed class EnvoyYamlException : Exception
{
    public EnvoyYamlException(string source, string path, long line, string problem)
        : base($"{source}: {path} (line {line}): {problem}")
    {
        YamlPath = path;
    }

    public EnvoyYamlException()
    {
        YamlPath = "";
    }

    public EnvoyYamlException(string message)
        : base(message)
    {
        YamlPath = "";
    }

    public EnvoyYamlException(string message, Exception innerException)
        : base(message, innerException)
    {
        YamlPath = "";
    }

    /// <summary>Dotted path of the offending field, e.g. static_resources.listeners[0].name.</summary>
    public string YamlPath { get; }
}
