using System.Text;

namespace EnvoyTraceFilter.Core.Headers;

/// <summary>
/// Header edits for one message: values written once into one buffer owned by this instance, handed to
/// the protocol edge as slices (it wraps them without copying). Removals are applied before sets, which
/// is also the order Envoy applies a HeaderMutation in. Names are lower-case.
/// </summary>
public sealed class HeaderEdits
{
    // Sized for the default outputs (B3 multi, b3, traceparent: up to 7 sets); grown when more are configured.
    // Removals are rare (stale B3 fields), so their array is made on the first one.
    private const int InitialSets = 8;
    private const int InitialRemoves = 4;

    private (string Name, int Offset, int Length)[] _sets;
    private string[] _removes = [];
    private byte[] _buffer;
    private readonly bool _frozen;
    private int _used;

    public HeaderEdits(int capacity)
    {
        _buffer = new byte[capacity];
        _sets = new (string, int, int)[InitialSets];
    }

    private HeaderEdits() => (_buffer, _sets, _frozen) = ([], [], true);

    /// <summary>No edits; shared, so it refuses changes.</summary>
    public static HeaderEdits Empty { get; } = new();

    public int SetCount { get; private set; }

    public int RemoveCount { get; private set; }

    public bool IsEmpty => SetCount == 0 && RemoveCount == 0;

    public string SetName(int index) => _sets[index].Name;

    public ReadOnlyMemory<byte> SetValue(int index) => _buffer.AsMemory(_sets[index].Offset, _sets[index].Length);

    public string Removed(int index) => _removes[index];

    /// <summary>
    /// The free part of the buffer, at least <paramref name="atLeast"/> bytes; write a value there, then call
    /// <see cref="Commit"/> with its length. Growing is safe: values are kept as offsets until read.
    /// </summary>
    public Span<byte> Reserve(int atLeast)
    {
        ThrowIfFrozen();
        if (_buffer.Length - _used < atLeast)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _used + atLeast));
        }

        return _buffer.AsSpan(_used);
    }

    public void Commit(KnownHeader header, int length) => Commit(KnownHeaders.Name(header), length);

    public void Commit(string name, int length)
    {
        ThrowIfFrozen();
        if (SetCount == _sets.Length)
        {
            Array.Resize(ref _sets, _sets.Length * 2);
        }

        _sets[SetCount++] = (name, _used, length);
        _used += length;
    }

    public void Set(KnownHeader header, ReadOnlySpan<byte> value)
    {
        value.CopyTo(Reserve(value.Length));
        Commit(header, value.Length);
    }

    /// <summary>Sets a configured (non-trace) header; the value is written as UTF-8.</summary>
    public void Set(string name, string value)
    {
        var length = Encoding.UTF8.GetBytes(value, Reserve(Encoding.UTF8.GetMaxByteCount(value.Length)));
        Commit(name, length);
    }

    public void Remove(KnownHeader header)
    {
        ThrowIfFrozen();
        if (RemoveCount == _removes.Length)
        {
            Array.Resize(ref _removes, Math.Max(InitialRemoves, _removes.Length * 2));
        }

        _removes[RemoveCount++] = KnownHeaders.Name(header);
    }

    private void ThrowIfFrozen()
    {
        if (_frozen)
        {
            throw new InvalidOperationException("HeaderEdits.Empty is shared and cannot be edited.");
        }
    }

    /// <summary>The value set for <paramref name="name"/>, for tests and logs; null when not set.</summary>
    public string? Find(string name)
    {
        for (var i = 0; i < SetCount; i++)
        {
            if (_sets[i].Name == name)
            {
                return Encoding.UTF8.GetString(SetValue(i).Span);
            }
        }

        return null;
    }

    public string? Find(KnownHeader header) => Find(KnownHeaders.Name(header));
}
