using System.Globalization;
using Envoy.Service.ExtProc.V3;
using Google.Protobuf.WellKnownTypes;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>
/// The size of Envoy's whole header map, from attributes envoy.yaml asks for (<c>size(request.headers)</c>,
/// <c>request.total_size</c>, and the response pair): with <c>forward_rules</c> the filter sees only some headers,
/// but Envoy checks a mutation against all of them. Null when not sent.
/// </summary>
internal readonly record struct HeaderMapFigures(int? Count, long? Bytes)
{
    public const string RequestCount = "size(request.headers)";
    public const string RequestBytes = "request.total_size";
    public const string ResponseCount = "size(response.headers)";
    public const string ResponseBytes = "response.total_size";

    public static HeaderMapFigures Read(ProcessingRequest request, bool response)
    {
        if (request.Attributes.Count == 0 || !request.Attributes.TryGetValue(RequestAttributes.Key, out var attributes))
        {
            return default;
        }

        var count = Number(attributes, response ? ResponseCount : RequestCount);
        var bytes = Number(attributes, response ? ResponseBytes : RequestBytes);
        return new HeaderMapFigures(count is >= 0 and <= int.MaxValue ? (int)count : null, bytes >= 0 ? bytes : null);
    }

    // A number from Envoy 1.31; 1.30 printed integers as strings.
    private static long? Number(Struct attributes, string key)
    {
        if (!attributes.Fields.TryGetValue(key, out var value))
        {
            return null;
        }

        return value.KindCase switch
        {
            Value.KindOneofCase.NumberValue when value.NumberValue is >= 0 and <= long.MaxValue => (long)value.NumberValue,
            Value.KindOneofCase.StringValue when long.TryParse(value.StringValue, NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        };
    }
}
