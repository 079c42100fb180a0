namespace EnvoyTraceFilter.Core.Headers;

/// <summary>
/// The groups of headers the filter writes, each written whole or not at all, declared in the order they are
/// dropped when a mutation would cross Envoy's header limits: least value first. <see cref="B3Multi"/> is the
/// minimum (the format every B3 reader understands and the filter's primary output).
/// </summary>
public enum OutputGroup : byte
{
    /// <summary><c>b3</c>: repeats what the B3 multi set says.</summary>
    B3Single,

    /// <summary><c>traceparent</c> (the filter never writes <c>tracestate</c>; an incoming one stays).</summary>
    TraceParent,

    /// <summary><c>x-cloud-trace-context</c>.</summary>
    CloudTrace,

    /// <summary><c>x-amzn-trace-id</c> (request or response).</summary>
    XRay,

    /// <summary>The configured app headers (<c>ClientIdentity:Header</c>, <c>Naming:Header</c>).</summary>
    AppHeaders,

    /// <summary><c>x-b3-traceid</c>, <c>-spanid</c>, <c>-parentspanid</c>, <c>-sampled</c>, <c>-flags</c>, sets and removals.</summary>
    B3Multi,
}

public static class OutputGroups
{
    public const int Count = (int)OutputGroup.B3Multi + 1;

    private static readonly string[] TagNames = ["b3", "traceparent", "cloud_trace", "xray", "app_headers", "b3_multi"];

    /// <summary>Metric tag value of a group.</summary>
    public static string TagName(OutputGroup group) => TagNames[(int)group];

    /// <summary>The group a written or removed header belongs to; names are lower-case.</summary>
    public static OutputGroup Of(string name) => name switch
    {
        "b3" => OutputGroup.B3Single,
        "traceparent" or "tracestate" => OutputGroup.TraceParent,
        "x-cloud-trace-context" => OutputGroup.CloudTrace,
        "x-amzn-trace-id" => OutputGroup.XRay,
        _ when name.StartsWith("x-b3-", StringComparison.Ordinal) => OutputGroup.B3Multi,
        _ => OutputGroup.AppHeaders,
    };
}
