using System.Text;

namespace EnvoyTraceFilter.Load;

/// <summary>
/// The HEADERS block Envoy's gRPC client opens every ext_proc stream with: POST to the Process method,
/// <c>:authority</c> = the cluster name, <c>te: trailers</c>, <c>content-type: application/grpc</c>,
/// <c>x-envoy-internal: true</c> and an <c>x-forwarded-for</c> with Envoy's own address.
/// Like Envoy's encoder, the first stream of a connection adds the fields to the peer's dynamic table
/// (literal with incremental indexing) and every later stream refers to them by index, so the server
/// decodes what it would decode behind Envoy. (The transport's own encoder writes stateless literals only.)
/// </summary>
internal sealed class GrpcRequestHeaderBlock
{
    private const string ProcessPath = "/envoy.service.ext_proc.v3.ExternalProcessor/Process";
    private const int StaticTableEntries = 61;

    public GrpcRequestHeaderBlock(string authority, string envoyAddress)
    {
        // (static name index or 0 for a new name, name, value), in the order they enter the dynamic table.
        (int NameIndex, string Name, string Value)[] indexed =
        [
            (4, ":path", ProcessPath),
            (1, ":authority", authority),
            (31, "content-type", "application/grpc"),
            (0, "te", "trailers"),
            (0, "x-envoy-internal", "true"),
            (0, "x-forwarded-for", envoyAddress),
        ];

        var first = new List<byte> { 0x83 /* :method POST */, 0x86 /* :scheme http */ };
        foreach (var (nameIndex, name, value) in indexed)
        {
            WriteInteger(first, 0x40, 6, nameIndex);
            if (nameIndex == 0)
            {
                WriteString(first, name);
            }

            WriteString(first, value);
        }

        var repeat = new List<byte> { 0x83, 0x86 };
        for (int i = 0; i < indexed.Length; i++)
        {
            // The entry inserted last has dynamic index 62; earlier ones sit behind it.
            WriteInteger(repeat, 0x80, 7, StaticTableEntries + indexed.Length - i);
        }

        First = first.ToArray();
        Repeat = repeat.ToArray();
    }

    /// <summary>Block for a connection's first stream (fills the server's dynamic table).</summary>
    public byte[] First { get; }

    /// <summary>Block for every later stream (indexed fields only).</summary>
    public byte[] Repeat { get; }

    private static void WriteString(List<byte> output, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        WriteInteger(output, 0x00, 7, bytes.Length); // no Huffman
        output.AddRange(bytes);
    }

    /// <summary>HPACK prefix integer (RFC 7541 §5.1).</summary>
    private static void WriteInteger(List<byte> output, byte firstByteBits, int prefixBits, int value)
    {
        int max = (1 << prefixBits) - 1;
        if (value < max)
        {
            output.Add((byte)(firstByteBits | value));
            return;
        }

        output.Add((byte)(firstByteBits | max));
        value -= max;
        while (value >= 0x80)
        {
            output.Add((byte)((value & 0x7f) | 0x80));
            value >>= 7;
        }

        output.Add((byte)value);
    }
}
