using System.Net;
using System.Text;
using EnvoyTraceFilter.Core.ClientIdentity;

namespace EnvoyTraceFilter.Core.Tests.ClientIdentity;

/// <summary>Builds resolvers and inputs from table-friendly strings (null = header absent).</summary>
internal static class ResolverTestHelper
{
    public const string Peer = "10.0.0.1:54321";

    public static ClientAddressOptions Options(int hops = 0, string? networks = null) => new()
    {
        TrustedHops = hops,
        TrustedNetworks = Networks(networks),
    };

    public static IReadOnlyList<IPNetwork> Networks(string? semicolonSeparated) =>
        string.IsNullOrEmpty(semicolonSeparated)
            ? []
            : [.. semicolonSeparated.Split(';').Select(n => IPNetwork.Parse(n))];

    public static ClientAddress Resolve(ClientAddressOptions options, string? source, string? xff, string? external = null) =>
        new ClientAddressResolver(options).Resolve(source.AsSpan(), Bytes(xff), Bytes(external));

    // Latin-1 so a test can put any byte value into a header with \u00XX.
    public static byte[] Bytes(string? value) => value is null ? [] : Encoding.Latin1.GetBytes(value);
}
