namespace EnvoyTraceFilter.Core.Headers;

/// <summary>
/// Header edits for one message: values written once into one buffer owned by this instance, handed to
/// the protocol edge as slices (it wraps them without copying). Removals are applied before sets, which
/// is also the order Envoy applies a HeaderMutation in.
/// </summary>
public sealed class HeaderEdits
{
    private const int MaxSets = 16;
    private const int MaxRemoves = 8;

    private readonly byte[] _buffer;
    private readonly (KnownHeader Header, int Offset, int Length)[] _sets = new (KnownHeader, int, int)[MaxSets];
    private readonly KnownHeader[] _removes = new KnownHeader[MaxRemoves];
    private int _used;

    public HeaderEdits(int capacity) => _buffer = new byte[capacity];

    public int SetCount { get; private set; }

    public int RemoveCount { get; private set; }

    public bool IsEmpty => SetCount == 0 && RemoveCount == 0;

    public KnownHeader SetHeader(int index) => _sets[index].Header;

    public ReadOnlyMemory<byte> SetValue(int index) => _buffer.AsMemory(_sets[index].Offset, _sets[index].Length);

    public KnownHeader Removed(int index) => _removes[index];

    /// <summary>The free part of the buffer; write a value there, then call <see cref="Commit"/> with its length.</summary>
    public Span<byte> Reserve() => _buffer.AsSpan(_used);

    public void Commit(KnownHeader header, int length)
    {
        _sets[SetCount++] = (header, _used, length);
        _used += length;
    }

    public void Set(KnownHeader header, ReadOnlySpan<byte> value)
    {
        value.CopyTo(Reserve());
        Commit(header, value.Length);
    }

    public void Remove(KnownHeader header) => _removes[RemoveCount++] = header;

    /// <summary>The value set for <paramref name="header"/>, for tests and logs; null when not set.</summary>
    public string? Find(KnownHeader header)
    {
        for (var i = 0; i < SetCount; i++)
        {
            if (_sets[i].Header == header)
            {
                return System.Text.Encoding.ASCII.GetString(SetValue(i).Span);
            }
        }

        return null;
    }
}
