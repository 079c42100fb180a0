using System.Text;
using Envoy.Config.Core.V3;
using EnvoyTraceFilter.Core.Headers;
using Google.Protobuf.Collections;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>
/// The header map Envoy will mutate, sized as Envoy sizes its own (count of entries; name + value bytes): the
/// larger of what the message carries and what Envoy reported in <see cref="HeaderMapFigures"/>, since
/// <c>forward_rules</c> hide headers from the message. Lookups of single names see only the message.
/// </summary>
internal readonly struct ProtoHeaderMapSize : IHeaderMapSize
{
    private readonly RepeatedField<HeaderValue>? _headers;

    public ProtoHeaderMapSize(HeaderMap? map, HeaderMapFigures figures = default)
    {
        _headers = map?.Headers;
        long bytes = 0;
        if (_headers is not null)
        {
            foreach (var header in _headers)
            {
                bytes += header.Key.Length + ValueLength(header);
            }
        }

        ByteSize = Math.Max(bytes, figures.Bytes ?? 0);
        Count = Math.Max(_headers?.Count ?? 0, figures.Count ?? 0);
    }

    public int Count { get; }

    public long ByteSize { get; }

    public HeaderOccurrences Find(string lowerName)
    {
        if (_headers is null)
        {
            return HeaderOccurrences.None;
        }

        var count = 0;
        long bytes = 0;
        var first = 0;
        foreach (var header in _headers)
        {
            if (string.Equals(header.Key, lowerName, StringComparison.OrdinalIgnoreCase))
            {
                var length = ValueLength(header);
                first = count == 0 ? length : first;
                count++;
                bytes += header.Key.Length + length;
            }
        }

        return new HeaderOccurrences(count, bytes, first);
    }

    // Envoy ≥1.27 sends raw_value only; an older Envoy with the raw_value guard off sends value.
    private static int ValueLength(HeaderValue header) =>
        header.RawValue.IsEmpty ? Encoding.UTF8.GetByteCount(header.Value) : header.RawValue.Length;
}
