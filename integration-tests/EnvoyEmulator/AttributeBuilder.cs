using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;

namespace EnvoyEmulator;

/// <summary>
/// Evaluates the supported CEL attribute names (and the expressions <c>size(request.headers)</c> /
/// <c>size(response.headers)</c>) the way Envoy encodes them into
/// ProcessingRequest.attributes["envoy.filters.http.ext_proc"] (doc §1b "Attributes"). Unsupported or
/// unavailable names are omitted, as Envoy omits attributes that fail to evaluate.
/// </summary>
internal static partial class AttributeBuilder
{
    public const string Key = "envoy.filters.http.ext_proc";

    public static Struct ForRequest(IEnumerable<string> names, PreparedRequest prepared, DownstreamRequest request,
        EmulatorOptions options)
    {
        var result = new Struct();
        var headers = prepared.Headers;
        foreach (var name in names)
        {
            var value = name switch
            {
                "source.address" => Value.ForString(AddressRules.WithPort(prepared.TrustedAddress, prepared.TrustedPort)),
                "source.port" => Integer(prepared.TrustedPort, options),
                "destination.address" => Value.ForString(AddressRules.WithPort(
                    options.ListenerAddress.Address, options.ListenerAddress.Port)),
                "destination.port" => Integer(options.ListenerAddress.Port, options),
                "request.time" => Value.ForString(EnvoyTimestamp.Format(prepared.ReceivedAt, options.SubTickNanoseconds())),
                "request.id" => StringOrNull(headers.GetAll("x-request-id").FirstOrDefault()),
                "request.host" => StringOrNull(headers.Get(":authority")),
                "request.path" => StringOrNull(headers.Get(":path")),
                "request.url_path" => StringOrNull(headers.Get(":path")?.Split('?')[0]),
                "request.method" => StringOrNull(headers.Get(":method")),
                "request.scheme" => StringOrNull(headers.Get(":scheme")),
                "request.protocol" => Value.ForString(request.Protocol),
                "request.useragent" => StringOrNull(headers.GetAll("user-agent").FirstOrDefault()),
                "request.referer" => StringOrNull(headers.GetAll("referer").FirstOrDefault()),
                "request.headers" => Value.ForString("CelMap value"),
                // Bytes received so far (none before the request headers were answered) + the map's byteSize.
                "request.total_size" => Integer(headers.ByteSize(), options),
                "size(request.headers)" => Integer(DistinctNames(headers), options),
                _ => HeaderLookup(name, "request", headers),
            };
            if (value is not null)
            {
                result.Fields[name] = value;
            }
        }

        return result;
    }

    public static Struct ForResponse(IEnumerable<string> names, int status, string details, HeaderList headers,
        EmulatorOptions options)
    {
        var result = new Struct();
        foreach (var name in names)
        {
            var value = name switch
            {
                "response.code" => Integer(status, options),
                "response.code_details" => Value.ForString(details),
                "response.headers" => Value.ForString("CelMap value"),
                // Bytes sent so far (none yet) + the map's byteSize (+ trailers, none yet).
                "response.total_size" => Integer(headers.ByteSize(), options),
                "size(response.headers)" => Integer(DistinctNames(headers), options),
                _ => HeaderLookup(name, "response", headers),
            };
            if (value is not null)
            {
                result.Fields[name] = value;
            }
        }

        return result;
    }

    // int64/uint64 are numbers from 1.31; 1.30 printed them as strings.
    private static Value Integer(long n, EmulatorOptions options) =>
        options.EnvoyVersion.AtLeast(31)
            ? Value.ForNumber(n)
            : Value.ForString(n.ToString(CultureInfo.InvariantCulture));

    // The CEL map's size is the number of its keys, i.e. distinct header names, not of header lines.
    private static int DistinctNames(HeaderList headers) =>
        headers.Select(h => h.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count();

    private static Value? StringOrNull(string? s) => s is null ? null : Value.ForString(s);

    private static Value? HeaderLookup(string name, string prefix, HeaderList headers)
    {
        var match = HeaderIndex().Match(name);
        if (!match.Success || match.Groups["dir"].Value != prefix)
        {
            return null;
        }

        var values = headers.GetAll(match.Groups["name"].Value.ToLowerInvariant());
        // Envoy's header map lookup joins repeated values with ",".
        return values.Count == 0 ? null : Value.ForString(string.Join(",", values));
    }

    [GeneratedRegex("^(?<dir>request|response)\\.headers\\['(?<name>[^']+)'\\]$")]
    private static partial Regex HeaderIndex();
}
