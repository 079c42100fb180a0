using System.Globalization;

namespace EnvoyEmulator;

/// <summary>The application's and the client's view of Envoy's internal header maps.</summary>
internal static class HttpViews
{
    public static DownstreamResponse Downstream(HeaderList headers, string body, string details)
    {
        var status = int.Parse(headers.Get(":status")!, CultureInfo.InvariantCulture);
        var visible = new HeaderList(headers.Where(h => !h.Name.StartsWith(':')));
        visible.Set("server", "envoy"); // server_header_transformation OVERWRITE, after the filter chain
        return new DownstreamResponse { Status = status, Headers = visible, Body = body, Details = details };
    }

    public static UpstreamRequest Upstream(HeaderList headers, string? replacedBody, EmulatorOptions options)
    {
        var sent = new HeaderList { { "host", headers.Get(":authority")! } };
        foreach (var header in headers.Where(h => !h.Name.StartsWith(':')))
        {
            sent.Add(header);
        }

        // The router announces the route timeout unless suppress_envoy_headers.
        sent.Set("x-envoy-expected-rq-timeout-ms",
            ((long)options.RouteTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        return new UpstreamRequest
        {
            Method = headers.Get(":method")!,
            Path = headers.Get(":path")!,
            Authority = headers.Get(":authority")!,
            Scheme = headers.Get(":scheme")!,
            Headers = sent,
            ReplacedBody = replacedBody,
        };
    }
}
