namespace Trm.Tokenization.Bpe;

/// <summary>
/// GPT-2's reversible byte ↔ character alphabet: printable Latin-1 bytes (<c>!</c>..<c>~</c>, <c>¡</c>..<c>¬</c>,
/// <c>®</c>..<c>ÿ</c>) stand for themselves; the other 68 bytes map, in byte order, to U+0100, U+0101, …
/// The vocabulary files spell every token in this alphabet.
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] s_byteToChar = BuildByteToChar();
    private static readonly Dictionary<char, byte> s_charToByte = Enumerable.Range(0, 256).ToDictionary(b => s_byteToChar[b], b => (byte)b);

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    /// <summary>The alphabet character standing for byte <paramref name="b"/>.</summary>
    public static char ToChar(byte b) => s_byteToChar[b];

    /// <summary>Converts a token spelled in the alphabet back to its bytes.</summary>
    /// <exception cref="FormatException">A character is outside the alphabet.</exception>
    public static byte[] ToBytes(string token)
    {
        var bytes = new byte[token.Length];
        for (int i = 0; i < token.Length; i++)
        {
            if (!s_charToByte.TryGetValue(token[i], out bytes[i]))
            {
                throw new FormatException($"Character U+{(int)token[i]:X4} of token '{token}' is not in the byte-level alphabet.");
            }
        }
        return bytes;
    }
}
