using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using EnvoyTraceFilter.Core.Spans;

namespace EnvoyTraceFilter.Core.XRay;

/// <summary>
/// Turns a <see cref="SpanRecord"/> into one X-Ray daemon datagram: the header line
/// <c>{"format": "json", "version": 1}</c>, a newline, then the segment document. Reuses one buffer and one
/// <see cref="Utf8JsonWriter"/>, so it is not thread-safe: give each sending loop its own instance.
/// </summary>
public sealed class XRaySegmentWriter
{
    /// <summary>
    /// Whole-datagram cap. X-Ray documents may be up to 64 kB and an IPv4 UDP payload up to 65,507 bytes;
    /// 64,000 satisfies both whichever way "kB" is read.
    /// </summary>
    public const int DefaultMaxDatagramBytes = 64_000;

    /// <summary>Annotation that carries <see cref="SpanRecord.IncompleteReason"/> (indexed, so filterable).</summary>
    public const string IncompleteReasonAnnotation = "incomplete_reason";

    /// <summary>X-Ray's segment-name limit.</summary>
    public const int MaxNameLength = 200;

    // A single oversized span must not pin a large buffer for the life of the process.
    private const int RetainedBufferBytes = 256 * 1024;

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        // Keeps non-ASCII as UTF-8 and quotes as \" (HTML-safety escaping is irrelevant here and costs bytes);
        // control characters and invalid UTF-16 are still escaped or replaced, so the JSON stays valid.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private readonly int _maxDatagramBytes;
    private readonly XRayAnnotationWriter _annotations = new();
    private ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _json;

    public XRaySegmentWriter(int maxDatagramBytes = DefaultMaxDatagramBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDatagramBytes, 256);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxDatagramBytes, 65_507);
        _maxDatagramBytes = maxDatagramBytes;
        _json = new Utf8JsonWriter(_buffer, JsonOptions);
    }

    public static ReadOnlySpan<byte> Header => "{\"format\": \"json\", \"version\": 1}\n"u8;

    /// <summary>
    /// Writes <paramref name="span"/>. <paramref name="datagram"/> is valid until the next call and is empty
    /// unless the result is <see cref="XRayWriteResult.Written"/> or <see cref="XRayWriteResult.WrittenWithoutOptional"/>.
    /// </summary>
    public XRayWriteResult Write(SpanRecord span, out ReadOnlyMemory<byte> datagram)
    {
        ArgumentNullException.ThrowIfNull(span);
        datagram = ReadOnlyMemory<byte>.Empty;
        if (!span.TraceId.IsValid || !span.SpanId.IsValid || string.IsNullOrWhiteSpace(span.ServiceName) ||
            span.StartUnixMicros < 0)
        {
            return XRayWriteResult.Invalid;
        }

        if (_buffer.Capacity > RetainedBufferBytes)
        {
            _buffer = new ArrayBufferWriter<byte>(4096);
        }

        WriteDatagram(span, includeOptional: true);
        var result = XRayWriteResult.Written;
        if (_buffer.WrittenCount > _maxDatagramBytes)
        {
            WriteDatagram(span, includeOptional: false);
            result = XRayWriteResult.WrittenWithoutOptional;
            if (_buffer.WrittenCount > _maxDatagramBytes)
            {
                return XRayWriteResult.TooLarge;
            }
        }

        datagram = _buffer.WrittenMemory;
        return result;
    }

    private void WriteDatagram(SpanRecord span, bool includeOptional)
    {
        _buffer.ResetWrittenCount();
        _buffer.Write(Header);
        _json.Reset(_buffer);

        _json.WriteStartObject();
        _json.WriteString(XRayJsonNames.Name, XRayJsonValues.Truncate(span.ServiceName.Trim(), MaxNameLength));
        XRayJsonValues.WriteSpanId(_json, XRayJsonNames.Id, span.SpanId);
        Span<byte> traceId = stackalloc byte[XRayTraceIds.Length];
        XRayTraceIds.Write(span.TraceId, traceId);
        _json.WriteString(XRayJsonNames.TraceId, traceId);
        if (span.ParentSpanId.IsValid)
        {
            XRayJsonValues.WriteSpanId(_json, XRayJsonNames.ParentId, span.ParentSpanId);
        }

        XRayJsonValues.WriteEpochSeconds(_json, XRayJsonNames.StartTime, span.StartUnixMicros);
        // A segment must not end before it starts; an unset end (0) means "ended when it started".
        XRayJsonValues.WriteEpochSeconds(_json, XRayJsonNames.EndTime, Math.Max(span.EndUnixMicros, span.StartUnixMicros));
        WriteHttp(span, includeOptional);
        WriteOutcome(span);
        _annotations.Write(_json, span.IncompleteReason, includeOptional ? span.Tags : null);
        _json.WriteEndObject();
        _json.Flush();
    }

    private void WriteHttp(SpanRecord span, bool includeOptional)
    {
        _json.WriteStartObject(XRayJsonNames.Http);
        _json.WriteStartObject(XRayJsonNames.Request);
        _json.WriteString(XRayJsonNames.Method, span.Method);
        _json.WriteString(XRayJsonNames.Url, span.Url);
        if (!string.IsNullOrEmpty(span.ClientIp))
        {
            _json.WriteString(XRayJsonNames.ClientIp, span.ClientIp);
            if (span.ClientIpFromForwardedFor)
            {
                _json.WriteBoolean(XRayJsonNames.XForwardedFor, true);
            }
        }

        if (includeOptional && !string.IsNullOrEmpty(span.UserAgent))
        {
            _json.WriteString(XRayJsonNames.UserAgent, span.UserAgent);
        }

        _json.WriteEndObject();
        var hasLength = span.ResponseContentLength is >= 0;
        if (span.Status > 0 || hasLength)
        {
            _json.WriteStartObject(XRayJsonNames.Response);
            if (span.Status > 0)
            {
                _json.WriteNumber(XRayJsonNames.Status, span.Status);
            }

            if (hasLength)
            {
                _json.WriteNumber(XRayJsonNames.ContentLength, span.ResponseContentLength!.Value);
            }

            _json.WriteEndObject();
        }

        _json.WriteEndObject();
    }

    private void WriteOutcome(SpanRecord span)
    {
        var status = span.Status;
        if (status is >= 400 and < 500)
        {
            _json.WriteBoolean(XRayJsonNames.Error, true);
            if (status == 429)
            {
                _json.WriteBoolean(XRayJsonNames.Throttle, true);
            }
        }

        // No response at all is the filter's view of a failed request, as in X-Ray's own SDKs' 5xx rule.
        if (status >= 500 || span.Incomplete)
        {
            _json.WriteBoolean(XRayJsonNames.Fault, true);
        }
    }
}
