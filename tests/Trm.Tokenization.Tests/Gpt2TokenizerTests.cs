using System.Text;

namespace Trm.Tokenization.Tests;

public class Gpt2TokenizerTests
{
    private static readonly Gpt2Tokenizer Gpt2 = Gpt2Tokenizer.Create();

    [Test]
    public void Vocabulary_Has50257IdsAndEndOfTextIs50256()
    {
        Assert.That(Gpt2.VocabSize, Is.EqualTo(50257));
        Assert.That(Gpt2.Name, Is.EqualTo("gpt2"));
        Assert.That(Gpt2.SpecialTokens, Is.EquivalentTo(new Dictionary<string, int> { ["<|endoftext|>"] = 50256 }));
        Assert.That(Gpt2.GetSpecialTokenId(Gpt2Tokenizer.EndOfText), Is.EqualTo(Gpt2Tokenizer.EndOfTextId));
        Assert.That(Gpt2.IsSpecialToken(50256) && !Gpt2.IsSpecialToken(50255), Is.True);
        Assert.That(Gpt2.GetSpecialTokenName(50256), Is.EqualTo("<|endoftext|>"));
        Assert.That(Gpt2.TryGetSpecialTokenId("<|user|>", out _), Is.False);
        Assert.Throws<KeyNotFoundException>(() => Gpt2.GetSpecialTokenId("<|user|>"));
    }

    [Test]
    public void Create_ReturnsOneSharedInstance() => Assert.That(Gpt2Tokenizer.Create(), Is.SameAs(Gpt2));

    [TestCase("Hello!", new[] { 15496, 0 })]
    [TestCase("Tell me a joke.", new[] { 24446, 502, 257, 9707, 13 })]
    [TestCase("  \n\n  x", new[] { 220, 220, 628, 220, 2124 })] // the \s+(?!\S) rule: "  " | "\n\n" | " " | " x"
    [TestCase("😀", new[] { 47249, 222 })]                      // a surrogate pair: 4 UTF-8 bytes, 2 tokens
    public void EncodeToIds_KnownAnswers(string text, int[] expected)
    {
        Assert.That(Gpt2.EncodeToIds(text), Is.EqualTo(expected));
        Assert.That(Gpt2.EncodeToIds(text.AsSpan()), Is.EqualTo(expected));
        Assert.That(Gpt2.CountTokens(text), Is.EqualTo(expected.Length));
        var appended = new List<int> { -7 };
        Assert.That(Gpt2.EncodeToIds(text.AsSpan(), appended), Is.EqualTo(expected.Length));
        Assert.That(appended, Is.EqualTo(new[] { -7 }.Concat(expected)));
    }

    [Test]
    public void SpecialTokens_AreTextUnlessAllowed()
    {
        const string text = "a<|endoftext|>b";
        int[] plain = [64, 27, 91, 437, 1659, 5239, 91, 29, 65]; // reference encoder, special token disallowed
        Assert.That(Gpt2.EncodeToIds(text), Is.EqualTo(plain));
        Assert.That(Gpt2.EncodeToIds(text, AllowedSpecialTokens.None), Is.EqualTo(plain));
        Assert.That(Gpt2.EncodeToIds(text, AllowedSpecialTokens.All), Is.EqualTo(new[] { 64, 50256, 65 }));
        Assert.That(Gpt2.EncodeToIds(text, AllowedSpecialTokens.Only("<|endoftext|>")), Is.EqualTo(new[] { 64, 50256, 65 }));
        Assert.That(Gpt2.EncodeToIds(text, AllowedSpecialTokens.Only("<|other|>")), Is.EqualTo(plain));
        Assert.That(Gpt2.CountTokens(text, AllowedSpecialTokens.All), Is.EqualTo(3));
        Assert.That(Gpt2.Decode([64, 50256, 65]), Is.EqualTo(text));
        Assert.That(Gpt2.Decode([64, 50256, 65], skipSpecialTokens: true), Is.EqualTo("ab"));
    }

    [Test]
    public void WithSpecialTokens_AppendsAfterTheVocabularyAndLongestNameWins()
    {
        var extended = Gpt2.WithSpecialTokens("<|a|>", "<|a|>x", "<|endoftext|>");
        Assert.That(extended.VocabSize, Is.EqualTo(50259));
        Assert.That(extended.GetSpecialTokenId("<|a|>"), Is.EqualTo(50257));
        Assert.That(extended.GetSpecialTokenId("<|a|>x"), Is.EqualTo(50258));
        Assert.That(extended.GetSpecialTokenId("<|endoftext|>"), Is.EqualTo(50256));
        Assert.That(extended.EncodeToIds("<|a|>x<|a|>hi<|endoftext|>", AllowedSpecialTokens.All), Is.EqualTo(new[] { 50258, 50257, 5303, 50256 }));
        Assert.That(extended.Decode([50258, 5303]), Is.EqualTo("<|a|>xhi"));
        Assert.That(Gpt2.VocabSize, Is.EqualTo(50257), "the original is unchanged");
    }

    [Test]
    public void RoundTrip_OnTinyShakespeareAndAwkwardText()
    {
        string shakespeare = TestData.TinyShakespeare;
        int[] ids = Gpt2.EncodeToIds(shakespeare);
        Assert.That(ids, Has.Length.EqualTo(338025)); // reference encoder's count for the whole file
        Assert.That(Gpt2.Decode(ids), Is.EqualTo(shakespeare));
        foreach (string s in new[] { "", " ", "\r\n\t \u3000", "Ωμέγα 😀👍🏽 日本 e\u0301", new string(' ', 5000) + "x", "ab" + new string('z', 3000) })
        {
            Assert.That(Gpt2.Decode(Gpt2.EncodeToIds(s)), Is.EqualTo(s), s.Length > 40 ? s[..40] : s);
        }
    }

    [Test]
    public void LongPieces_UseTheHeapMergerWithTheSameResult()
    {
        // 3,000 letters form one piece (> 128 bytes: heap merger); pieces of 100 letters use the quadratic merger.
        string longWord = string.Concat(Enumerable.Repeat("abcdefghij", 300));
        int[] whole = Gpt2.EncodeToIds(longWord);
        Assert.That(Gpt2.Decode(whole), Is.EqualTo(longWord));
        int[] direct = Gpt2Tokenizer.Create(0).EncodeToIds(longWord);
        Assert.That(direct, Is.EqualTo(whole));
        // Same merges by both algorithms on a piece just under the threshold repeated.
        string shortWord = string.Concat(Enumerable.Repeat("abcdefghij", 12));
        Assert.That(Gpt2.Decode(Gpt2.EncodeToIds(shortWord)), Is.EqualTo(shortWord));
    }

    [Test]
    public void LoneSurrogates_AreEncodedAsReplacementCharacter()
    {
        // Reference: "ab\ud800cd" → [397, 4210, 10210]; 4210 is U+FFFD (EF BF BD).
        Assert.That(Gpt2.EncodeToIds("ab\ud800cd"), Is.EqualTo(new[] { 397, 4210, 10210 }));
        Assert.That(Gpt2.EncodeToIds("\udc00"), Is.EqualTo(Gpt2.EncodeToIds("\ufffd")));
        Assert.That(Gpt2.Decode(Gpt2.EncodeToIds("x\ud83d")), Is.EqualTo("x\ufffd"));
    }

    [Test]
    public void Decode_SplitCharacter_GivesReplacementAndBytesStayExact()
    {
        // 😀 = [47249, 222]: one token alone is half a UTF-8 sequence.
        Assert.That(Gpt2.Decode([47249]), Is.EqualTo("\ufffd"));
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        Gpt2.DecodeToUtf8([47249], buffer);
        Gpt2.DecodeToUtf8([222], buffer);
        Assert.That(Encoding.UTF8.GetString(buffer.WrittenSpan), Is.EqualTo("😀"));
    }

    [Test]
    public void BadInput_ThrowsClearExceptions()
    {
        Assert.Throws<ArgumentNullException>(() => Gpt2.EncodeToIds((string)null!));
        Assert.Throws<ArgumentNullException>(() => Gpt2.CountTokens((string)null!));
        Assert.Throws<ArgumentNullException>(() => Gpt2.Decode((IEnumerable<int>)null!));
        Assert.Throws<ArgumentNullException>(() => Gpt2.EncodeBatch(null!));
        Assert.Throws<ArgumentNullException>(() => Gpt2.EncodeBatch(["a", null!]));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Gpt2.Decode([1, 2, 50257]))!;
        Assert.That(e.Message, Does.Contain("Token id 50257 at position 2"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gpt2.Decode([-1]));
        Assert.Throws<ArgumentException>(() => Tokenizer.FromName("bert"));
    }

    [Test]
    public void FromName_BuildsTheNamedTokenizers()
    {
        Assert.That(Tokenizer.FromName("gpt2"), Is.SameAs(Gpt2));
        string path = Path.Combine(Path.GetTempPath(), $"trm-char-{Guid.NewGuid():N}.json");
        try
        {
            CharTokenizer.Build("abc").Save(path);
            var tokenizer = Tokenizer.FromName("char:" + path);
            Assert.That(tokenizer.EncodeToIds("cab"), Is.EqualTo(new[] { 2, 0, 1 }));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void ParallelUse_GivesTheSameIdsAsSequential()
    {
        var tokenizer = Gpt2Tokenizer.Create(cacheCapacity: 64); // tiny cache: constant clearing under contention
        var lines = TestData.TinyShakespeare.Split('\n').Take(4000).ToArray();
        var expected = lines.Select(l => Gpt2Tokenizer.Create(0).EncodeToIds(l)).ToArray();
        var actual = new int[lines.Length][];
        Parallel.For(0, lines.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 }, k =>
        {
            int i = k % lines.Length;
            actual[i] = tokenizer.EncodeToIds(lines[i]);
            Assert.That(tokenizer.Decode(actual[i]), Is.EqualTo(lines[i]));
        });
        Assert.That(actual, Is.EqualTo(expected));
        Assert.That(tokenizer.EncodeBatch(lines, maxDegreeOfParallelism: 4), Is.EqualTo(expected));
    }

    [Test]
    public void EncodeBatch_HonoursCancellation()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => Gpt2.EncodeBatch(["a", "b"], cancellationToken: cts.Token));
    }
}
