using System.Text;

namespace EnvoyTraceFilter.Load.Http2;

/// <summary>
/// HPACK decoder for the server's response headers and trailers (RFC 7541) with a dynamic table. Huffman
/// coded strings are not decoded (Kestrel sends plain literals); such a value reads as null but the table
/// stays consistent. Only the fields the caller asks for are turned into strings.
/// </summary>
internal sealed class HpackDecoder
{
    private readonly List<(string Name, string? Value)> _dynamic = []; // index 0 = newest
    private int _size;
    private int _capacity;

    public HpackDecoder(int capacity = 4096) => _capacity = capacity;

    /// <summary>Decodes one complete header block and reports every field.</summary>
    public void Decode(ReadOnlySpan<byte> block, Action<string, string?> onField)
    {
        int pos = 0;
        while (pos < block.Length)
        {
            byte b = block[pos];
            if ((b & 0x80) != 0)
            {
                var (name, value) = Lookup(HpackInteger.Read(block, ref pos, 7));
                onField(name, value);
            }
            else if ((b & 0xc0) == 0x40)
            {
                var (name, value) = ReadLiteral(block, ref pos, 6);
                Insert(name, value);
                onField(name, value);
            }
            else if ((b & 0xe0) == 0x20)
            {
                _capacity = HpackInteger.Read(block, ref pos, 5);
                Evict(0);
            }
            else
            {
                // Literal without indexing (0000) or never indexed (0001): 4-bit name prefix.
                var (name, value) = ReadLiteral(block, ref pos, 4);
                onField(name, value);
            }
        }
    }

    private (string Name, string? Value) ReadLiteral(ReadOnlySpan<byte> block, ref int pos, int prefixBits)
    {
        int nameIndex = HpackInteger.Read(block, ref pos, prefixBits);
        string name = nameIndex == 0 ? ReadString(block, ref pos) ?? "?" : Lookup(nameIndex).Name;
        return (name, ReadString(block, ref pos));
    }

    private static string? ReadString(ReadOnlySpan<byte> block, ref int pos)
    {
        bool huffman = (block[pos] & 0x80) != 0;
        int length = HpackInteger.Read(block, ref pos, 7);
        var bytes = block.Slice(pos, length);
        pos += length;
        return huffman ? null : Encoding.ASCII.GetString(bytes);
    }

    private (string Name, string? Value) Lookup(int index)
    {
        if (index >= 1 && index <= HpackStaticTable.Count)
        {
            return HpackStaticTable.Entries[index];
        }

        int dynamicIndex = index - HpackStaticTable.Count - 1;
        return dynamicIndex >= 0 && dynamicIndex < _dynamic.Count
            ? _dynamic[dynamicIndex]
            : throw new InvalidDataException($"HPACK index {index} out of range");
    }

    private void Insert(string name, string? value)
    {
        int entrySize = name.Length + (value?.Length ?? 0) + 32;
        Evict(entrySize);
        if (entrySize > _capacity)
        {
            return; // an entry larger than the table empties it and is not added
        }

        _dynamic.Insert(0, (name, value));
        _size += entrySize;
    }

    private void Evict(int room)
    {
        while (_dynamic.Count > 0 && _size + room > _capacity)
        {
            var last = _dynamic[^1];
            _size -= last.Name.Length + (last.Value?.Length ?? 0) + 32;
            _dynamic.RemoveAt(_dynamic.Count - 1);
        }
    }
}
