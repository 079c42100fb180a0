using System.Text;

namespace EnvoyEmulator.Http2;

/// <summary>
/// A complete HPACK decoder (RFC 7541): indexed fields, literals with/without/never indexing, dynamic table
/// with size updates and eviction, Huffman strings. One per connection (the dynamic table is connection
/// state), used only by the connection's reader. Strings held in the dynamic table are reused, so repeated
/// headers (Kestrel indexes its response headers) cost no allocation.
/// </summary>
public sealed class HpackDecoder
{
    private const int EntryOverhead = 32;

    // Newest first: index 0 here is HPACK index StaticTable.Count + 1.
    private readonly List<KeyValuePair<string, string>> _dynamic = [];
    private readonly int _maxTableSizeLimit;
    private int _maxTableSize;
    private int _tableSize;
    private byte[] _scratch = new byte[256];

    /// <param name="maxTableSize">Our SETTINGS_HEADER_TABLE_SIZE: the largest table the peer may ask for.</param>
    public HpackDecoder(int maxTableSize = 4096)
    {
        _maxTableSizeLimit = maxTableSize;
        _maxTableSize = maxTableSize;
    }

    /// <summary>Current dynamic table size in RFC 7541 §4.1 units (for tests).</summary>
    public int DynamicTableSize => _tableSize;

    public int DynamicTableCount => _dynamic.Count;

    /// <summary>Decodes one complete header block, appending fields to <paramref name="headers"/> in order.</summary>
    /// <exception cref="Http2ProtocolException">COMPRESSION_ERROR on any malformed input.</exception>
    public void Decode(ReadOnlySpan<byte> block, List<KeyValuePair<string, string>> headers)
    {
        var sizeUpdateAllowed = true;
        while (!block.IsEmpty)
        {
            var first = block[0];
            if ((first & 0x80) != 0)
            {
                // Indexed header field (§6.1).
                var index = ReadInteger(ref block, 7);
                headers.Add(Lookup(index));
                sizeUpdateAllowed = false;
            }
            else if ((first & 0x40) != 0)
            {
                // Literal with incremental indexing (§6.2.1).
                var field = ReadLiteral(ref block, 6);
                headers.Add(field);
                Insert(field);
                sizeUpdateAllowed = false;
            }
            else if ((first & 0x20) != 0)
            {
                // Dynamic table size update (§6.3): only at the start of a block.
                if (!sizeUpdateAllowed)
                {
                    throw Error("Dynamic table size update after a header field.");
                }

                var size = ReadInteger(ref block, 5);
                if (size > _maxTableSizeLimit)
                {
                    throw Error($"Dynamic table size update to {size} exceeds the limit {_maxTableSizeLimit}.");
                }

                _maxTableSize = size;
                Evict(0);
            }
            else
            {
                // Literal without indexing (0000) or never indexed (0001) (§6.2.2, §6.2.3).
                headers.Add(ReadLiteral(ref block, 4));
                sizeUpdateAllowed = false;
            }
        }
    }

    private KeyValuePair<string, string> ReadLiteral(ref ReadOnlySpan<byte> block, int prefixBits)
    {
        var nameIndex = ReadInteger(ref block, prefixBits);
        var name = nameIndex == 0 ? ReadString(ref block) : Lookup(nameIndex).Key;
        var value = ReadString(ref block);
        return new(name, value);
    }

    private KeyValuePair<string, string> Lookup(int index)
    {
        if (index <= 0)
        {
            throw Error("Header index 0.");
        }

        if (index <= HpackStaticTable.Count)
        {
            return HpackStaticTable.Entries[index - 1];
        }

        var dynamicIndex = index - HpackStaticTable.Count - 1;
        if (dynamicIndex >= _dynamic.Count)
        {
            throw Error($"Header index {index} is beyond the dynamic table ({_dynamic.Count} entries).");
        }

        return _dynamic[dynamicIndex];
    }

    private void Insert(KeyValuePair<string, string> field)
    {
        var size = EntrySize(field);
        if (size > _maxTableSize)
        {
            // An entry larger than the table empties it and is not added (§4.4).
            _dynamic.Clear();
            _tableSize = 0;
            return;
        }

        Evict(size);
        _dynamic.Insert(0, field);
        _tableSize += size;
    }

    private void Evict(int room)
    {
        while (_dynamic.Count > 0 && _tableSize + room > _maxTableSize)
        {
            _tableSize -= EntrySize(_dynamic[^1]);
            _dynamic.RemoveAt(_dynamic.Count - 1);
        }
    }

    private static int EntrySize(KeyValuePair<string, string> field) =>
        Encoding.Latin1.GetByteCount(field.Key) + Encoding.Latin1.GetByteCount(field.Value) + EntryOverhead;

    private string ReadString(ref ReadOnlySpan<byte> block)
    {
        if (block.IsEmpty)
        {
            throw Error("Truncated string.");
        }

        var huffman = (block[0] & 0x80) != 0;
        var length = ReadInteger(ref block, 7);
        if (length > block.Length)
        {
            throw Error("String longer than the header block.");
        }

        var raw = block[..length];
        block = block[length..];
        if (!huffman)
        {
            return Encoding.Latin1.GetString(raw);
        }

        var max = Huffman.MaxDecodedLength(length);
        if (_scratch.Length < max)
        {
            _scratch = new byte[Math.Max(max, _scratch.Length * 2)];
        }

        var decoded = Huffman.Decode(raw, _scratch);
        return Encoding.Latin1.GetString(_scratch, 0, decoded);
    }

    /// <summary>Reads an N-bit-prefix integer (§5.1), bounded to int.</summary>
    internal static int ReadInteger(ref ReadOnlySpan<byte> block, int prefixBits)
    {
        if (block.IsEmpty)
        {
            throw Error("Truncated integer.");
        }

        var max = (1 << prefixBits) - 1;
        var value = block[0] & max;
        block = block[1..];
        if (value < max)
        {
            return value;
        }

        var shift = 0;
        while (true)
        {
            if (block.IsEmpty || shift > 28)
            {
                throw Error("Truncated or oversized integer.");
            }

            var b = block[0];
            block = block[1..];
            value += (b & 0x7f) << shift;
            if (value < 0)
            {
                throw Error("Integer overflow.");
            }

            if ((b & 0x80) == 0)
            {
                return value;
            }

            shift += 7;
        }
    }

    private static Http2ProtocolException Error(string message) => new(Http2ErrorCode.CompressionError, message);
}
