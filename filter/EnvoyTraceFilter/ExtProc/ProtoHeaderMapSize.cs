using System.Text;
using Envoy.Config.Core.V3;
using EnvoyTraceFilter.Core.Headers;
using Google.Protobuf.Collections;

namespace EnvoyTraceFilter.ExtProc;

/// <summary>
/// The header map Envoy sent, sized as Envoy sizes its own (count of entries; name + value bytes). Exact only when
/// Envoy forwards every header: <c>forward_rules</c> hide the others from the filter.
/// </summary>
internal readonly struct ProtoHeaderMapSize : IHeaderMapSize
{
    private readonly RepeatedField<HeaderValue>? _headers;

    public ProtoHeaderMapSize(HeaderMap? map)
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

        ByteSize = bytes;
    }

    public int Count => _headers?.Count ?? 0;

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
