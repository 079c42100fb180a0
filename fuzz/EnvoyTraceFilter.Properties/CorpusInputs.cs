using CsCheck;

namespace EnvoyTraceFilter.Properties;

/// <summary>
/// Inputs for a fuzz target: the committed seed corpus (fuzz/corpus/TARGET), the seeds with a few bytes changed, and
/// random bytes. Mutated seeds reach the checks behind the first field that uniformly random bytes never pass.
/// </summary>
internal static class CorpusInputs
{
    // Bytes that matter to some format: delimiters, hex of both cases, whitespace, control bytes, obs-text.
    private static readonly byte[] Interesting =
        [.. "0123456789abcdefABCDEF-;=/,:.[]*?\t Root=Parent=Sampled=o1d"u8, 0, 1, (byte)'\r', (byte)'\n', 0x7F, 0x80, 0xFF];

    private static readonly Gen<byte> AnyByte = Gen.OneOf(Gen.Byte, Gen.Int[0, Interesting.Length - 1].Select(i => Interesting[i]));

    public static string Directory(string target)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "fuzz", "corpus", target);
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"fuzz/corpus/{target} not found above {AppContext.BaseDirectory}");
    }

    public static byte[][] Seeds(string target) =>
        [.. System.IO.Directory.GetFiles(Directory(target)).Order(StringComparer.Ordinal).Select(File.ReadAllBytes)];

    public static Gen<byte[]> For(string target)
    {
        var seeds = Seeds(target);
        var seed = Gen.Int[0, seeds.Length - 1].Select(i => seeds[i]);
        var edit = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 4096], AnyByte);
        var mutated = Gen.Select(seed, edit.Array[1, 4], Apply);
        return Gen.Frequency((6, mutated), (2, seed), (2, AnyByte.Array[0, 80]));
    }

    // 0 replace, 1 insert, 2 delete, 3 duplicate the rest from here (lengthens repeated fields).
    private static byte[] Apply(byte[] seed, (int Kind, int Position, byte Value)[] edits)
    {
        var bytes = new List<byte>(seed);
        foreach (var (kind, position, value) in edits)
        {
            var at = bytes.Count == 0 ? 0 : position % (bytes.Count + (kind == 1 ? 1 : 0));
            switch (kind)
            {
                case 0 when at < bytes.Count: bytes[at] = value; break;
                case 1: bytes.Insert(at, value); break;
                case 2 when at < bytes.Count: bytes.RemoveAt(at); break;
                case 3 when at < bytes.Count: bytes.InsertRange(at, bytes.Skip(at).Take(64).ToArray()); break;
                default: bytes.Add(value); break;
            }
        }

        return [.. bytes];
    }
}
