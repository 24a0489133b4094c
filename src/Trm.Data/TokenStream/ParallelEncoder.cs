using Trm.Tokenization;

namespace Trm.Data.TokenStream;

/// <summary>
/// Encodes a long text on every core: the text is cut into chunks right after a newline that is followed by a
/// non-whitespace character — always a pre-token boundary of byte-level BPE, so the ids equal a single-threaded encode.
/// </summary>
internal static class ParallelEncoder
{
    private const int ChunkChars = 1 << 18;

    public static int[] EncodeText(Tokenizer tokenizer, string text, CancellationToken cancellationToken)
    {
        var bounds = new List<int> { 0 };
        var position = 0;
        while (text.Length - position > ChunkChars)
        {
            var cut = -1;
            for (var i = position + ChunkChars; i < text.Length - 1; i++)
            {
                if (text[i] == '\n' && !char.IsWhiteSpace(text[i + 1]))
                {
                    cut = i + 1;
                    break;
                }
            }
            if (cut < 0)
                break;
            bounds.Add(cut);
            position = cut;
        }
        bounds.Add(text.Length);
        var parts = new int[bounds.Count - 1][];
        Parallel.For(0, parts.Length, new ParallelOptions { CancellationToken = cancellationToken },
            i => parts[i] = tokenizer.EncodeToIds(text.AsSpan(bounds[i], bounds[i + 1] - bounds[i])));
        return [.. parts.SelectMany(p => p)];
    }
}
