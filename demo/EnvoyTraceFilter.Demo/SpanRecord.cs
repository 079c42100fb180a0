using System.Globalization;
using System.Text.Json;

namespace EnvoyTraceFilter.Demo;

/// <summary>One span (Zipkin) or segment (X-Ray) as the demo prints it.</summary>
public sealed record SpanRecord(string Backend, string TraceId, string SpanId, string? ParentId, string Name, string? Service, string Status)
{
    /// <summary>A Zipkin v2 span (JSON object of a POST /api/v2/spans array).</summary>
    public static SpanRecord FromZipkin(JsonElement span)
    {
        var status = "-";
        if (span.TryGetProperty("tags", out var tags))
        {
            foreach (var key in (string[])["http.response.status_code", "http.status_code"])
            {
                if (tags.TryGetProperty(key, out var code))
                {
                    status = code.GetString() ?? "-";
                    break;
                }
            }

            if (tags.TryGetProperty("error", out var error))
            {
                status += " error=" + error.GetString();
            }
        }

        return new SpanRecord("zipkin", Text(span, "traceId"), Text(span, "id"), Optional(span, "parentId"), Text(span, "name"),
            span.TryGetProperty("localEndpoint", out var endpoint) ? Optional(endpoint, "serviceName") : null, status);
    }

    /// <summary>An X-Ray segment document (the datagram after the daemon header line).</summary>
    public static SpanRecord FromXRay(JsonElement segment)
    {
        var status = segment.TryGetProperty("http", out var http) && http.TryGetProperty("response", out var response)
            && response.TryGetProperty("status", out var code)
            ? code.GetInt32().ToString(CultureInfo.InvariantCulture)
            : "-";
        foreach (var flag in (string[])["fault", "error", "throttle"])
        {
            if (segment.TryGetProperty(flag, out var set) && set.ValueKind == JsonValueKind.True)
            {
                status += " " + flag;
            }
        }

        return new SpanRecord("xray", Text(segment, "trace_id"), Text(segment, "id"), Optional(segment, "parent_id"), Text(segment, "name"),
            null, status);
    }

    /// <summary>One readable line: backend, ids, name, service and status.</summary>
    public override string ToString()
    {
        var service = Service is null ? "" : $" service={Quote(Service)}";
        return $"{Backend,-7} | trace={TraceId} span={SpanId} parent={ParentId ?? "(root)"} name={Quote(Name)}{service} status={Status}";
    }

    private static string Quote(string value) => value.Contains(' ', StringComparison.Ordinal) ? $"\"{value}\"" : value;

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "?";

    private static string? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
