using System.Globalization;
using Envoy.Service.ExtProc.V3;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>
/// The request attributes Envoy (≥1.30) sends when envoy.yaml lists them under request_attributes. They
/// arrive under a fixed key, whatever the filter's configured name.
/// </summary>
internal readonly record struct RequestAttributes(string? SourceAddress, DateTimeOffset? RequestTime)
{
    public const string Key = "envoy.filters.http.ext_proc";

    public static RequestAttributes Read(ProcessingRequest request)
    {
        if (request.Attributes.Count == 0 || !request.Attributes.TryGetValue(Key, out var attributes))
        {
            return default;
        }

        string? source = null;
        DateTimeOffset? time = null;
        if (attributes.Fields.TryGetValue("source.address", out var address) && address.KindCase == Google.Protobuf.WellKnownTypes.Value.KindOneofCase.StringValue)
        {
            source = address.StringValue;
        }

        // RFC 3339 in UTC with microseconds, e.g. "2025-01-02T03:04:05.123456+00:00".
        if (attributes.Fields.TryGetValue("request.time", out var value) && value.KindCase == Google.Protobuf.WellKnownTypes.Value.KindOneofCase.StringValue
            && DateTimeOffset.TryParse(value.StringValue, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            time = parsed;
        }

        return new RequestAttributes(source, time);
    }
}
