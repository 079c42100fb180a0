using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using EnvoyTraceFilter.Core.Propagation;
using EnvoyTraceFilter.Core.Spans;
using EnvoyTraceFilter.Core.XRay;

namespace EnvoyTraceFilter.Fuzz.Targets;

/// <summary>
/// X-Ray segment documents built from hostile request text. Input: records ('\n'-separated, selector byte modulo 9):
/// 0 service name, 1 method, 2 url, 3 path, 4 client ip, 5 user agent, 6 tag "key=value", 7 incomplete reason,
/// 8 status (decimal). Text is decoded as the filter decodes header bytes (UTF-8, bounded by <see cref="SpanText"/>).
/// A datagram that is written is the header line plus one valid JSON document within the size cap, with valid ids.
/// </summary>
internal static partial class XRaySegmentTarget
{
    // One writer per thread, as the exporter keeps one per sending loop (it is not thread-safe; CsCheck runs in parallel).
    [ThreadStatic]
    private static XRaySegmentWriter? writer;

    [GeneratedRegex("^1-[0-9a-f]{8}-[0-9a-f]{24}$")]
    private static partial Regex TraceId();

    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex SpanId16();

    [GeneratedRegex("^[A-Za-z0-9_]{1,500}$")]
    private static partial Regex AnnotationKey();

    public static void Run(ReadOnlySpan<byte> input)
    {
        var fields = new string?[9];
        var tags = new List<KeyValuePair<string, string>>();
        while (!input.IsEmpty)
        {
            var end = input.IndexOf((byte)'\n');
            var record = end < 0 ? input : input[..end];
            input = end < 0 ? default : input[(end + 1)..];
            if (record.IsEmpty)
            {
                continue;
            }

            var which = record[0] % fields.Length;
            var text = SpanText.Decode(record[1..], SpanText.MaxPathBytes, out _);
            if (which == 6)
            {
                var equals = text.IndexOf('=');
                tags.Add(KeyValuePair.Create(equals < 0 ? text : text[..equals], equals < 0 ? "" : text[(equals + 1)..]));
            }
            else
            {
                fields[which] = text;
            }
        }

        var span = new SpanRecord
        {
            TraceId = new TraceId(0x5759e988bd862e3f, 0xe1be46a994272793),
            SpanId = new SpanId(0x53995c3f42cd8ad8),
            ServiceName = fields[0] ?? "svc",
            StartUnixMicros = 1_700_000_000_123_456,
            EndUnixMicros = 1_700_000_000_223_456,
            Method = fields[1] ?? "GET",
            Url = fields[2] ?? "http://example.com/",
            Path = fields[3] ?? "/",
            ClientIp = fields[4],
            UserAgent = fields[5],
            IncompleteReason = fields[7],
            Status = int.TryParse(fields[8], out var status) ? status : 0,
            Tags = tags,
        };

        var result = (writer ??= new XRaySegmentWriter(4096)).Write(span, out var datagram);
        if (result is not (XRayWriteResult.Written or XRayWriteResult.WrittenWithoutOptional))
        {
            PropertyViolation.Check(datagram.IsEmpty, "segment: a datagram came with a failed write");
            PropertyViolation.Check(result == XRayWriteResult.TooLarge || string.IsNullOrWhiteSpace(span.ServiceName),
                $"segment: refused ({result}) a span with valid ids and a name");
            return;
        }

        var bytes = datagram.Span;
        PropertyViolation.Check(bytes.Length <= 4096, "segment: datagram over the cap");
        PropertyViolation.Check(bytes.StartsWith(XRaySegmentWriter.Header), "segment: no header line");
        using var document = JsonDocument.Parse(datagram[XRaySegmentWriter.Header.Length..]);
        var root = document.RootElement;
        var name = root.GetProperty("name").GetString()!;
        PropertyViolation.Check(name.Length is > 0 and <= XRaySegmentWriter.MaxNameLength, "segment: name empty or too long");
        PropertyViolation.Check(TraceId().IsMatch(root.GetProperty("trace_id").GetString()!), "segment: bad trace_id");
        PropertyViolation.Check(SpanId16().IsMatch(root.GetProperty("id").GetString()!), "segment: bad id");
        var request = root.GetProperty("http").GetProperty("request");
        PropertyViolation.Check(request.GetProperty("url").GetString() == span.Url, "segment: url changed");
        PropertyViolation.Check(request.GetProperty("method").GetString() == span.Method, "segment: method changed");
        if (root.TryGetProperty("annotations", out var annotations))
        {
            var count = 0;
            foreach (var annotation in annotations.EnumerateObject())
            {
                count++;
                PropertyViolation.Check(AnnotationKey().IsMatch(annotation.Name), $"segment: annotation key '{annotation.Name}'");
            }

            PropertyViolation.Check(count <= 50, "segment: more than 50 annotations");
        }
    }
}
