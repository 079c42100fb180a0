using System.Text;

namespace EnvoyEmulator.Http2;

/// <summary>
/// Builds request header blocks without encoder state: exact static-table matches are indexed, every other
/// field is a literal without indexing (name indexed when the static table has it), strings are not Huffman
/// coded. Such a block can be built once and sent on any number of streams and connections.
/// </summary>
public static class HpackEncoder
{
    /// <summary>Encodes the fields in order. Names must already be lower-case (HTTP/2 requires it).</summary>
    public static byte[] Encode(IEnumerable<KeyValuePair<string, string>> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var output = new List<byte>(256);
        foreach (var (name, value) in fields)
        {
            var (index, valueMatches) = HpackStaticTable.Find(name, value);
            if (valueMatches)
            {
                WriteInteger(output, 0x80, 7, index);
                continue;
            }

            WriteInteger(output, 0x00, 4, index);
            if (index == 0)
            {
                WriteString(output, name);
            }

            WriteString(output, value);
        }

        return output.ToArray();
    }

    /// <summary>
    /// The header block of a gRPC call as Envoy's gRPC client writes it: :method POST, :scheme http, :path,
    /// :authority, content-type application/grpc, te trailers, then <paramref name="extra"/> (e.g. initial
    /// metadata, x-envoy-internal). No grpc-timeout: the caller adds one only if it wants one.
    /// </summary>
    public static byte[] GrpcRequest(string authority, string path, IEnumerable<KeyValuePair<string, string>>? extra = null)
    {
        List<KeyValuePair<string, string>> fields =
        [
            new(":method", "POST"),
            new(":scheme", "http"),
            new(":path", path),
            new(":authority", authority),
            new("content-type", "application/grpc"),
            new("te", "trailers"),
        ];
        if (extra is not null)
        {
            fields.AddRange(extra);
        }

        return Encode(fields);
    }

    internal static void WriteInteger(List<byte> output, byte firstBits, int prefixBits, int value)
    {
        var max = (1 << prefixBits) - 1;
        if (value < max)
        {
            output.Add((byte)(firstBits | value));
            return;
        }

        output.Add((byte)(firstBits | max));
        value -= max;
        while (value >= 0x80)
        {
            output.Add((byte)((value & 0x7f) | 0x80));
            value >>= 7;
        }

        output.Add((byte)value);
    }

    private static void WriteString(List<byte> output, string text)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        WriteInteger(output, 0x00, 7, bytes.Length);
        output.AddRange(bytes);
    }
}
