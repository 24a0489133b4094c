using System.Text;

namespace Trm.Tokenization.Tests;

/// <summary>Chunked encoding gives exactly the ids of encoding the whole text at once.</summary>
public class TextChunkerTests
{
    private static int[] Chunked(Tokenizer tokenizer, string text, int chunkChars, out int chunks)
    {
        var ids = new List<int>();
        chunks = 0;
        foreach (var chunk in TextChunker.Split(new StringReader(text), chunkChars))
        {
            tokenizer.EncodeToIds(chunk.Span, ids, AllowedSpecialTokens.All);
            chunks++;
        }
        return ids.ToArray();
    }

    [Test]
    public void ChunksOfTinyShakespeareEncodeToTheWholeTextsIds()
    {
        var gpt2 = Tokenizer.FromName("gpt2");
        var text = TestData.TinyShakespeare[..200_000];
        var ids = Chunked(gpt2, text, 4096, out var chunks);
        Assert.That(chunks, Is.GreaterThan(40));
        Assert.That(ids, Is.EqualTo(gpt2.EncodeToIds(text, AllowedSpecialTokens.All)));
    }

    [Test]
    public void WhitespaceRunsSpecialTokensAndLongLinesKeepTheirIds()
    {
        var gpt2 = Tokenizer.FromName("gpt2");
        var text = new StringBuilder();
        for (int i = 0; i < 3000; i++)
        {
            text.Append(i % 7 == 0 ? "\n\n  indented  line\n" : "word ").Append(i % 11 == 0 ? "<|endoftext|>" : "").Append(i % 13 == 0 ? "\r\n\t x" : "é😀 ");
        }
        text.Append(string.Concat(Enumerable.Repeat("longword ", 5000))); // a 45,000-character line: cut at word boundaries
        var s = text.ToString();
        var ids = Chunked(gpt2, s, 512, out var chunks);
        Assert.That(chunks, Is.GreaterThan(20));
        Assert.That(ids, Is.EqualTo(gpt2.EncodeToIds(s, AllowedSpecialTokens.All)));
    }

    [Test]
    public void ChunksConcatenateToTheInput()
    {
        var text = "a\nb\n\n c\nd" + new string('x', 5000) + "\nend";
        var joined = string.Concat(TextChunker.Split(new StringReader(text), 16).Select(c => c.ToString()));
        Assert.That(joined, Is.EqualTo(text));
    }
}
