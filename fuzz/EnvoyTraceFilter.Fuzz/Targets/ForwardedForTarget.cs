using System.Net;
using System.Text;
using EnvoyTraceFilter.Core.ClientIdentity;

namespace EnvoyTraceFilter.Fuzz.Targets;

/// <summary>
/// X-Forwarded-For and Envoy's peer address through every resolver configuration. Input: one selector byte for the
/// configuration, then source address '\n' x-forwarded-for '\n' x-envoy-external-address (missing parts are empty).
/// </summary>
internal static class ForwardedForTarget
{
    private static readonly ClientAddressResolver[] Resolvers =
    [
        new(new ClientAddressOptions()),
        new(new ClientAddressOptions { TrustedHops = 1 }),
        new(new ClientAddressOptions { TrustedHops = 2, MaxForwardedForEntries = 4, MaxForwardedForLength = 128 }),
        new(new ClientAddressOptions
        {
            TrustedNetworks = [IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("::ffff:192.168.0.0/112"), IPNetwork.Parse("2001:db8::/32")],
        }),
        new(new ClientAddressOptions { PreferSourceAddress = true, TrustedHops = 1 }),
        new(new ClientAddressOptions { Mode = ClientAddressMode.XRay }),
    ];

    public static void Run(ReadOnlySpan<byte> input)
    {
        // An empty input still runs the core: SharpFuzz's first run under afl-fuzz may read an empty input, and a run
        // that touches no instrumented code makes afl-fuzz stop with "No instrumentation detected".
        var index = input.IsEmpty ? 0 : input[0] % Resolvers.Length;
        var rest = input.IsEmpty ? input : input[1..];
        var source = Next(ref rest);
        var xff = Next(ref rest);
        var external = rest;
        var sourceChars = Encoding.Latin1.GetString(source);

        var client = Resolvers[index].Resolve(sourceChars, xff, external);
        if (client.Address is not { } address)
        {
            PropertyViolation.Check(client.Source == ClientAddressSource.None, "xff: no address but a source");
            return;
        }

        if (index == Resolvers.Length - 1 && client.Source == ClientAddressSource.ForwardedFor)
        {
            // X-Ray mode copies the header as the X-Ray SDK does; it must be the bytes received, nothing else.
            PropertyViolation.Check(address == Encoding.Latin1.GetString(xff), "xff: X-Ray mode changed the header");
            return;
        }

        // Every other answer is an address we parsed: canonical text that parses back to itself.
        PropertyViolation.Check(IPAddress.TryParse(address, out var ip) && ip.ToString() == address,
            $"xff: '{address}' is not a canonical IP address");
        PropertyViolation.Check(client.Source != ClientAddressSource.None, "xff: an address without a source");
        var from = client.Source switch
        {
            ClientAddressSource.SourceAddress => source,
            ClientAddressSource.ForwardedFor => xff,
            ClientAddressSource.EnvoyExternalAddress => external,
            _ => default,
        };
        PropertyViolation.Check(!from.IsEmpty, $"xff: address taken from an empty {client.Source}");
    }

    private static ReadOnlySpan<byte> Next(ref ReadOnlySpan<byte> rest)
    {
        var end = rest.IndexOf((byte)'\n');
        var part = end < 0 ? rest : rest[..end];
        rest = end < 0 ? default : rest[(end + 1)..];
        return part;
    }
}
