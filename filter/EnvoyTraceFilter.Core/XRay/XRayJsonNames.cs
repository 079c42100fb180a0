using System.Text.Json;

namespace EnvoyTraceFilter.Core.XRay;

/// <summary>Segment-document property names, encoded once.</summary>
internal static class XRayJsonNames
{
    public static readonly JsonEncodedText Name = JsonEncodedText.Encode("name");
    public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    public static readonly JsonEncodedText TraceId = JsonEncodedText.Encode("trace_id");
    public static readonly JsonEncodedText ParentId = JsonEncodedText.Encode("parent_id");
    public static readonly JsonEncodedText StartTime = JsonEncodedText.Encode("start_time");
    public static readonly JsonEncodedText EndTime = JsonEncodedText.Encode("end_time");
    public static readonly JsonEncodedText Http = JsonEncodedText.Encode("http");
    public static readonly JsonEncodedText Request = JsonEncodedText.Encode("request");
    public static readonly JsonEncodedText Response = JsonEncodedText.Encode("response");
    public static readonly JsonEncodedText Method = JsonEncodedText.Encode("method");
    public static readonly JsonEncodedText Url = JsonEncodedText.Encode("url");
    public static readonly JsonEncodedText ClientIp = JsonEncodedText.Encode("client_ip");
    public static readonly JsonEncodedText UserAgent = JsonEncodedText.Encode("user_agent");
    public static readonly JsonEncodedText XForwardedFor = JsonEncodedText.Encode("x_forwarded_for");
    public static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    public static readonly JsonEncodedText ContentLength = JsonEncodedText.Encode("content_length");
    public static readonly JsonEncodedText Error = JsonEncodedText.Encode("error");
    public static readonly JsonEncodedText Throttle = JsonEncodedText.Encode("throttle");
    public static readonly JsonEncodedText Fault = JsonEncodedText.Encode("fault");
    public static readonly JsonEncodedText Annotations = JsonEncodedText.Encode("annotations");
    public static readonly JsonEncodedText IncompleteReason = JsonEncodedText.Encode(XRaySegmentWriter.IncompleteReasonAnnotation);
}
