namespace Trm.Tokenization;

/// <summary>
/// Splits a text stream into chunks that tokenize to the same ids one by one as the whole text would, so that input of any size
/// is encoded in bounded memory. A chunk ends just after a single line feed between two characters that are not white space
/// (no GPT-2 pre-token, special token or character token spans such a point; a run of white space would, since GPT-2's
/// <c>\s+(?!\S)</c> reads it differently at the end of a text); a single line longer than
/// <see cref="MaxChunkChars"/> is cut before a space that follows a letter and precedes one (a word boundary), or at the limit if
/// the line has none.
/// </summary>
public static class TextChunker
{
    /// <summary>The chunk size aimed for (characters).</summary>
    public const int ChunkChars = 1 << 20;

    /// <summary>The largest chunk returned (characters).</summary>
    public const int MaxChunkChars = 8 << 20;

    /// <summary>Reads <paramref name="reader"/> to the end and yields its text in chunks (each valid until the next one is requested).</summary>
    /// <param name="reader">The text.</param>
    /// <param name="chunkChars">The chunk size aimed for; tests use small values.</param>
    public static IEnumerable<ReadOnlyMemory<char>> Split(TextReader reader, int chunkChars = ChunkChars)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkChars, 2);
        var buffer = new char[Math.Max(chunkChars + 1, Math.Min(MaxChunkChars, chunkChars * 8))];
        var count = 0;
        var want = chunkChars + 1;
        var eof = false;
        while (true)
        {
            while (!eof && count < want)
            {
                var n = reader.Read(buffer, count, want - count);
                if (n == 0) eof = true;
                count += n;
            }
            if (eof)
            {
                if (count > 0) yield return buffer.AsMemory(0, count);
                yield break;
            }
            var cut = FindCut(buffer.AsSpan(0, count), atLimit: count == buffer.Length);
            if (cut < 0)
            {
                want = Math.Min(buffer.Length, count + chunkChars); // no safe point yet: read more, up to the limit
                continue;
            }
            yield return buffer.AsMemory(0, cut);
            Array.Copy(buffer, cut, buffer, 0, count - cut);
            count -= cut;
            want = chunkChars + 1;
        }
    }

    /// <summary>The last safe cut in <paramref name="text"/> (which has at least one character after it), or -1; at the limit a word boundary, or the limit itself.</summary>
    private static int FindCut(ReadOnlySpan<char> text, bool atLimit)
    {
        for (var i = text.Length - 1; i > 1; i--)
            if (text[i - 1] == '\n' && !char.IsWhiteSpace(text[i]) && !char.IsWhiteSpace(text[i - 2]))
                return i;
        if (!atLimit) return -1;
        for (var i = text.Length - 2; i > 0; i--)
            if (text[i] == ' ' && char.IsLetter(text[i - 1]) && char.IsLetter(text[i + 1]))
                return i;
        var end = text.Length - 1;
        return char.IsHighSurrogate(text[end - 1]) ? end - 1 : end;
    }
}
