using System.Globalization;
using System.Net;

namespace EnvoyEmulator.Cli;

/// <summary>Hand-written parsing of the command line (no package, by design).</summary>
internal sealed class CliArguments
{
    public const string Usage = """
        usage: envoy-emulator --target http://127.0.0.1:50051 [options]
          --authority HOST           request Host / :authority (default api.example.com)
          --path PATH                (default /)
          --method METHOD            (default GET)
          -H, --header 'NAME: VALUE' request header, repeatable
          --peer IP:PORT             downstream peer (default 198.51.100.7:50000)
          --status CODE              upstream response status (default 200)
          --response-header 'N: V'   upstream response header, repeatable
          --response-body TEXT       upstream response body
          --envoy-yaml FILE          configure as this Envoy bootstrap (e.g. the repository's envoy.yaml);
                                     the three options below override it when given
          --xff-trusted-hops N       HCM xff_num_trusted_hops (default 0)
          --envoy-version 1.N[.P]    (default 1.36)
          --timeout-ms MS            message_timeout (default 200)
          --fail-closed              failure_mode_allow: false
          --count N                  requests to send, one after another (default 1)
        """;

    public required Uri Target { get; init; }
    public string Authority { get; private set; } = "api.example.com";
    public string Path { get; private set; } = "/";
    public string Method { get; private set; } = "GET";
    public HeaderList Headers { get; } = [];
    public IPEndPoint Peer { get; private set; } = IPEndPoint.Parse("198.51.100.7:50000");
    public int Status { get; private set; } = 200;
    public HeaderList ResponseHeaders { get; } = [];
    public string ResponseBody { get; private set; } = "";
    public int? XffTrustedHops { get; private set; }
    public EnvoyVersion Version { get; private set; } = EnvoyVersion.V1_36;
    public int? TimeoutMs { get; private set; }
    public bool FailClosed { get; private set; }
    public int Count { get; private set; } = 1;
    public string? EnvoyYaml { get; private set; }

    /// <summary>Parses <paramref name="args"/>; throws <see cref="ArgumentException"/> with a message on misuse.</summary>
    public static CliArguments Parse(IReadOnlyList<string> args)
    {
        var values = new List<(string Name, string Value)>();
        var failClosed = false;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--fail-closed")
            {
                failClosed = true;
                continue;
            }

            if (!args[i].StartsWith('-') || i + 1 >= args.Count)
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            values.Add((args[i], args[++i]));
        }

        var target = values.LastOrDefault(v => v.Name == "--target").Value
            ?? throw new ArgumentException("--target is required");
        var result = new CliArguments { Target = new Uri(target), FailClosed = failClosed };
        foreach (var (name, value) in values)
        {
            result.Apply(name, value);
        }

        return result;
    }

    private void Apply(string name, string value)
    {
        switch (name)
        {
            case "--target": break;
            case "--authority": Authority = value; break;
            case "--path": Path = value; break;
            case "--method": Method = value; break;
            case "-H" or "--header": Headers.Add(Header(value)); break;
            case "--peer": Peer = IPEndPoint.Parse(value); break;
            case "--status": Status = Number(value); break;
            case "--response-header": ResponseHeaders.Add(Header(value)); break;
            case "--response-body": ResponseBody = value; break;
            case "--xff-trusted-hops": XffTrustedHops = Number(value); break;
            case "--envoy-version": Version = EnvoyVersion.Parse(value); break;
            case "--timeout-ms": TimeoutMs = Number(value); break;
            case "--count": Count = Number(value); break;
            case "--envoy-yaml": EnvoyYaml = value; break;
            default: throw new ArgumentException($"unknown option '{name}'");
        }
    }

    private static (string, string) Header(string text)
    {
        var colon = text.IndexOf(':', 1); // allow ":authority: x"-style names to fail later, not here
        return colon < 0
            ? throw new ArgumentException($"header '{text}' is not 'name: value'")
            : (text[..colon].Trim(), text[(colon + 1)..].Trim());
    }

    private static int Number(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
}
