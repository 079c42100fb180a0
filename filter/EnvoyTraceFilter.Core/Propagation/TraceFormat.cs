namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>The trace-context header formats we read and write.</summary>
public enum TraceFormat : byte
{
    /// <summary>The single <c>b3</c> header.</summary>
    B3Single = 0,

    /// <summary><c>x-b3-traceid</c>, <c>x-b3-spanid</c>, <c>x-b3-parentspanid</c>, <c>x-b3-sampled</c>, <c>x-b3-flags</c>.</summary>
    B3Multi = 1,

    /// <summary>W3C <c>traceparent</c> (with <c>tracestate</c> kept as received).</summary>
    TraceParent = 2,

    /// <summary>AWS <c>x-amzn-trace-id</c>.</summary>
    XRay = 3,

    /// <summary>Google <c>x-cloud-trace-context</c>.</summary>
    CloudTrace = 4,
}
