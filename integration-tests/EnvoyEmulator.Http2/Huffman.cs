namespace EnvoyEmulator.Http2;

/// <summary>
/// HPACK's static Huffman code (RFC 7541 Appendix B). The code is canonical, so it is rebuilt from the code
/// lengths alone: codes of one length are consecutive in symbol order, each length continuing from the last.
/// </summary>
internal static class Huffman
{
    public const int Eos = 256;

    // Code length in bits of symbols 0..255 (RFC 7541 Appendix B); EOS (256) is 30 bits.
    private static readonly byte[] Lengths =
    [
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30,
    ];

    // Decoding by length: for each length L, the first code of that length, and the symbols of that length in
    // code order. A code c of length L is symbol SymbolsByLength[L][c - FirstCode[L]] when in range.
    private static readonly uint[] FirstCode = new uint[31];
    private static readonly int[][] SymbolsByLength = new int[31][];

    static Huffman()
    {
        Codes = new uint[257];
        var code = 0u;
        var previousLength = 0;
        for (var length = 1; length <= 30; length++)
        {
            var symbols = Enumerable.Range(0, 257).Where(s => Lengths[s] == length).ToArray();
            SymbolsByLength[length] = symbols;
            if (symbols.Length == 0)
            {
                continue;
            }

            code = previousLength == 0 ? 0 : code << (length - previousLength);
            FirstCode[length] = code;
            foreach (var symbol in symbols)
            {
                Codes[symbol] = code++;
            }

            previousLength = length;
        }
    }

    /// <summary>The code of each symbol 0..256, right-aligned (exposed for tests against the RFC's table).</summary>
    public static uint[] Codes { get; }

    public static int CodeLength(int symbol) => Lengths[symbol];

    /// <summary>Decodes a Huffman-coded string; padding must be ≤ 7 one-bits and EOS must not appear (RFC 7541 §5.2).</summary>
    public static int Decode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        var written = 0;
        var code = 0u;
        var length = 0;
        foreach (var b in source)
        {
            for (var bit = 7; bit >= 0; bit--)
            {
                code = (code << 1) | (uint)((b >> bit) & 1);
                length++;
                if (length < 5)
                {
                    continue; // the shortest code has 5 bits
                }

                var symbols = SymbolsByLength[length];
                var offset = code - FirstCode[length];
                if (symbols.Length == 0 || offset >= symbols.Length)
                {
                    if (length == 30)
                    {
                        throw new Http2ProtocolException(Http2ErrorCode.CompressionError, "Invalid Huffman code.");
                    }

                    continue;
                }

                var symbol = symbols[offset];
                if (symbol == Eos)
                {
                    throw new Http2ProtocolException(Http2ErrorCode.CompressionError, "EOS in a Huffman-coded string.");
                }

                destination[written++] = (byte)symbol;
                code = 0;
                length = 0;
            }
        }

        // The remainder must be a prefix of EOS (all ones) shorter than 8 bits.
        if (length > 7 || code != (1u << length) - 1)
        {
            throw new Http2ProtocolException(Http2ErrorCode.CompressionError, "Invalid Huffman padding.");
        }

        return written;
    }

    /// <summary>Upper bound of the decoded length (the shortest code is 5 bits).</summary>
    public static int MaxDecodedLength(int encodedLength) => encodedLength * 8 / 5;
}
