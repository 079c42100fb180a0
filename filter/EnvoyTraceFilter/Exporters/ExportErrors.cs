namespace EnvoyTraceFilter.Exporters;

/// <summary>The <c>error</c> tag values of <c>tracefilter.export.errors</c>.</summary>
internal static class ExportErrors
{
    /// <summary>Zipkin: no answer within TraceFilter:Zipkin:ExportTimeout (a hung or very slow collector).</summary>
    public const string Timeout = "timeout";

    /// <summary>Zipkin: TCP connection refused; X-Ray: ICMP port-unreachable (nothing listens on the port).</summary>
    public const string ConnectionRefused = "connection_refused";

    /// <summary>Zipkin: any other connection or protocol failure (reset, name not resolved, bad response).</summary>
    public const string Connection = "connection";

    /// <summary>Zipkin: the collector answered with a status that is not 2xx.</summary>
    public const string HttpStatus = "http_status";

    /// <summary>X-Ray: the daemon's host name did not resolve (lookup failed or timed out).</summary>
    public const string Resolve = "resolve";

    /// <summary>X-Ray: a span met no resolved daemon address (dropped, nothing sent).</summary>
    public const string NoAddress = "no_address";

    /// <summary>X-Ray: any other socket error on send.</summary>
    public const string Socket = "socket";
}
