using EnvoyEmulator.Http2;

namespace EnvoyEmulator.Tests.Http2;

/// <summary>HPACK against RFC 7541's own examples (Appendix C) and the rules of §4–§6.</summary>
public sealed class HpackTests
{
    private static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    private static List<KeyValuePair<string, string>> Decode(HpackDecoder decoder, string hex)
    {
        var fields = new List<KeyValuePair<string, string>>();
        decoder.Decode(Hex(hex), fields);
        return fields;
    }

    private static KeyValuePair<string, string> F(string name, string value) => new(name, value);

    [Fact]
    public void Huffman_code_is_rebuilt_canonically_from_the_rfc_lengths()
    {
        // Spot checks against RFC 7541 Appendix B: first, short, long and EOS codes.
        Assert.Equal((0x1ff8u, 13), (Huffman.Codes[0], Huffman.CodeLength(0)));
        Assert.Equal((0x0u, 5), (Huffman.Codes['0'], Huffman.CodeLength('0')));
        Assert.Equal((0x14u, 6), (Huffman.Codes[' '], Huffman.CodeLength(' ')));
        Assert.Equal((0x3ffffeeu, 26), (Huffman.Codes[255], Huffman.CodeLength(255)));
        Assert.Equal((0x3fffffffu, 30), (Huffman.Codes[Huffman.Eos], Huffman.CodeLength(Huffman.Eos)));
    }

    [Fact]
    public void Decodes_rfc_c4_requests_with_huffman_and_the_dynamic_table()
    {
        var decoder = new HpackDecoder();
        Assert.Equal(
            [F(":method", "GET"), F(":scheme", "http"), F(":path", "/"), F(":authority", "www.example.com")],
            Decode(decoder, "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff"));
        Assert.Equal((1, 57), (decoder.DynamicTableCount, decoder.DynamicTableSize));

        Assert.Equal(
            [F(":method", "GET"), F(":scheme", "http"), F(":path", "/"), F(":authority", "www.example.com"), F("cache-control", "no-cache")],
            Decode(decoder, "8286 84be 5886 a8eb 1064 9cbf"));
        Assert.Equal((2, 110), (decoder.DynamicTableCount, decoder.DynamicTableSize));

        Assert.Equal(
            [F(":method", "GET"), F(":scheme", "https"), F(":path", "/index.html"), F(":authority", "www.example.com"), F("custom-key", "custom-value")],
            Decode(decoder, "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"));
        Assert.Equal((3, 164), (decoder.DynamicTableCount, decoder.DynamicTableSize));
    }

    [Fact]
    public void Evicts_oldest_entries_and_applies_size_updates()
    {
        var decoder = new HpackDecoder(maxTableSize: 100);
        // Literal with incremental indexing, new name: "aaaa: 1111" (size 8 + 32 = 40), twice more with other names.
        Decode(decoder, "40 04 61616161 04 31313131");
        Decode(decoder, "40 04 62626262 04 32323232");
        Assert.Equal((2, 80), (decoder.DynamicTableCount, decoder.DynamicTableSize));
        Decode(decoder, "40 04 63636363 04 33333333"); // evicts "aaaa"
        Assert.Equal([F("bbbb", "2222"), F("cccc", "3333")], Decode(decoder, "bf be")); // 63 = bbbb (older), 62 = cccc
        Decode(decoder, "3f 09"); // size update to 40 (5-bit prefix: 31 + 9) evicts down to one entry
        Assert.Equal((1, 40), (decoder.DynamicTableCount, decoder.DynamicTableSize));
        Assert.Equal([F("cccc", "3333")], Decode(decoder, "be"));
    }

    [Theory]
    [InlineData("80", "Header index 0.")]
    [InlineData("be", "Header index 62 is beyond the dynamic table (0 entries).")]
    [InlineData("82 20", "Dynamic table size update after a header field.")]
    [InlineData("3f c2 1f", "Dynamic table size update to 4065 exceeds the limit 4000.")]
    [InlineData("00 81 ff 00", "Invalid Huffman padding.")]
    [InlineData("00 05 61", "String longer than the header block.")]
    public void Malformed_blocks_are_compression_errors(string hex, string message)
    {
        var e = Assert.Throws<Http2ProtocolException>(() => Decode(new HpackDecoder(maxTableSize: 4000), hex));
        Assert.Equal((Http2ErrorCode.CompressionError, message), (e.Code, e.Message));
    }

    [Fact]
    public void Encoder_output_decodes_to_the_same_fields_with_static_indexes()
    {
        var block = HpackEncoder.GrpcRequest("trace_filter", "/envoy.service.ext_proc.v3.ExternalProcessor/Process",
            [F("x-envoy-internal", "true")]);
        Assert.Equal(0x83, block[0]); // :method POST is fully indexed (static 3)
        Assert.Equal(0x86, block[1]); // :scheme http (static 6)
        var decoder = new HpackDecoder();
        var fields = new List<KeyValuePair<string, string>>();
        decoder.Decode(block, fields);
        Assert.Equal(
        [
            F(":method", "POST"), F(":scheme", "http"), F(":path", "/envoy.service.ext_proc.v3.ExternalProcessor/Process"),
            F(":authority", "trace_filter"), F("content-type", "application/grpc"), F("te", "trailers"), F("x-envoy-internal", "true"),
        ], fields);
        Assert.Equal(0, decoder.DynamicTableCount); // literals without indexing leave no state behind
    }

    [Fact]
    public void Grpc_reader_reassembles_split_and_joined_messages()
    {
        var reader = new GrpcMessageReader(initialCapacity: 4);
        var one = GrpcFraming.Frame([1, 2, 3]);
        var two = GrpcFraming.Frame([]);
        var three = GrpcFraming.Frame(Enumerable.Range(0, 300).Select(i => (byte)i).ToArray());
        var stream = one.Concat(two).Concat(three).ToArray();
        var messages = new List<byte[]>();
        foreach (var chunk in stream.Chunk(7))
        {
            reader.Append(chunk);
            while (reader.TryRead(out var message))
            {
                messages.Add(message.ToArray());
            }
        }

        Assert.Equal(3, messages.Count);
        Assert.Equal([1, 2, 3], messages[0]);
        Assert.Empty(messages[1]);
        Assert.Equal(three.AsSpan(5).ToArray(), messages[2]);
        Assert.Equal(0, reader.Buffered);
    }
}
