using System.Text;
using System.Text.Json;
using EnvoyTraceFilter.Core.XRay;

namespace EnvoyTraceFilter.Core.Tests.XRay;

/// <summary>Splits a datagram into header and document and checks both strictly.</summary>
internal static class XRayDatagram
{
    public const string HeaderLine = "{\"format\": \"json\", \"version\": 1}\n";

    public static JsonElement Parse(ReadOnlyMemory<byte> datagram)
    {
        var text = Encoding.UTF8.GetString(datagram.Span);
        Assert.StartsWith(HeaderLine, text, StringComparison.Ordinal);
        Assert.True(datagram.Span.StartsWith(XRaySegmentWriter.Header));
        var document = text[HeaderLine.Length..];
        Assert.DoesNotContain('\n', document);
        using var parsed = JsonDocument.Parse(document);
        return parsed.RootElement.Clone();
    }

    public static JsonElement Write(XRaySegmentWriter writer, Core.Spans.SpanRecord span,
        XRayWriteResult expected = XRayWriteResult.Written)
    {
        Assert.Equal(expected, writer.Write(span, out var datagram));
        return Parse(datagram);
    }

    /// <summary>Asserts the object has exactly these properties, in any order.</summary>
    public static void HasExactly(JsonElement element, params string[] names)
    {
        var actual = element.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(names.Order(StringComparer.Ordinal).ToArray(), actual);
    }
}
