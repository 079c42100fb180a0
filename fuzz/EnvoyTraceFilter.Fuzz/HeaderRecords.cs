using EnvoyTraceFilter.Core.Headers;

namespace EnvoyTraceFilter.Fuzz;

/// <summary>
/// Turns fuzz input into headers: records separated by '\n', each a selector byte (which header, modulo the list)
/// followed by the value. LF cannot occur in a value this way, nor does Envoy ever send one; every other byte can.
/// </summary>
internal static class HeaderRecords
{
    /// <summary>Calls <paramref name="add"/> with each record's header and value (a copy: HeaderSet keeps it).</summary>
    public static void Read(ReadOnlySpan<byte> input, ReadOnlySpan<KnownHeader> headers, Action<KnownHeader, byte[]> add)
    {
        while (!input.IsEmpty)
        {
            var end = input.IndexOf((byte)'\n');
            var record = end < 0 ? input : input[..end];
            input = end < 0 ? default : input[(end + 1)..];
            if (!record.IsEmpty)
            {
                add(headers[record[0] % headers.Length], record[1..].ToArray());
            }
        }
    }
}
