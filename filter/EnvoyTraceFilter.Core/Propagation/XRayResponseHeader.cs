using EnvoyTraceFilter.Core.Headers;

namespace EnvoyTraceFilter.Core.Propagation;

/// <summary>
/// The answer to an X-Ray <c>Sampled=?</c>: <c>X-Amzn-Trace-Id: Root={root};Sampled={1|0}</c> on the response, exactly
/// the two fields the X-Ray SDKs write there (no Parent: the caller already knows its own segment).
/// </summary>
public static class XRayResponseHeader
{
    /// <summary>Bytes of the value: "Root=" + root + ";Sampled=" + one digit.</summary>
    public const int Length = 5 + XRayTraceId.RootLength + 9 + 1;

    public static void Write(TraceId traceId, bool sampled, HeaderEdits edits)
    {
        var span = edits.Reserve(Length);
        "Root="u8.CopyTo(span);
        XRayTraceId.Write(traceId, span[5..]);
        var n = 5 + XRayTraceId.RootLength;
        ";Sampled="u8.CopyTo(span[n..]);
        n += 9;
        span[n++] = sampled ? (byte)'1' : (byte)'0';
        edits.Commit(KnownHeader.XAmznTraceId, n);
    }
}
