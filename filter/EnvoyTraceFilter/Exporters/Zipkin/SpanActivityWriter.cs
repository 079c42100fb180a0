using System.Diagnostics;
using System.Globalization;
using EnvoyTraceFilter.Core.Spans;

namespace EnvoyTraceFilter.Exporters.Zipkin;

/// <summary>
/// Copies a finished <see cref="SpanRecord"/> onto its hop Activity: name, times, the http tags, status. Runs on the
/// export loop, which is the only user of the Activity once the span is complete.
/// </summary>
internal static class SpanActivityWriter
{
    public static void Write(SpanRecord span, Activity activity)
    {
        // Zipkin names a span by its operation, lower-case (as Brave names HTTP server spans: "get");
        // the service is localEndpoint.serviceName, from the exporter's resource.
        activity.DisplayName = span.Method.ToLowerInvariant();
        activity.SetStartTime(DateTime.UnixEpoch.AddTicks(span.StartUnixMicros * 10));
        activity.SetTag("http.method", span.Method);
        activity.SetTag("http.path", span.Path);
        activity.SetTag("http.url", span.Url);
        if (span.Status > 0)
        {
            activity.SetTag("http.status_code", span.Status.ToString(CultureInfo.InvariantCulture));
        }

        if (span.UserAgent is not null)
        {
            activity.SetTag("http.user_agent", span.UserAgent);
        }

        if (span.ClientIp is not null)
        {
            activity.SetTag("http.client_ip", span.ClientIp);
        }

        if (span.ClientIpFromForwardedFor)
        {
            activity.SetTag("x_forwarded_for", "true");
        }

        if (span.ResponseContentLength is { } length)
        {
            activity.SetTag("http.response.content_length", length.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var tag in span.Tags)
        {
            activity.SetTag(tag.Key, tag.Value);
        }

        // Zipkin's exporter turns an Error status into the "error" tag (its value is the description).
        if (span.IncompleteReason is { } reason)
        {
            activity.SetTag("incomplete_reason", reason);
            activity.SetStatus(ActivityStatusCode.Error, "incomplete: " + reason);
        }
        else if (span.Status >= 500)
        {
            activity.SetStatus(ActivityStatusCode.Error, "HTTP " + span.Status.ToString(CultureInfo.InvariantCulture));
        }

        activity.SetEndTime(DateTime.UnixEpoch.AddTicks(span.EndUnixMicros * 10));
    }
}
