namespace Trm.Tokenization.Tests;

public class CharTokenizerTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trm-char-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void TinyShakespeare_Has65SymbolsLikeNanoGpt()
    {
        var tokenizer = CharTokenizer.Build(TestData.TinyShakespeare);
        Assert.That(tokenizer.VocabSize, Is.EqualTo(65));
        Assert.That(string.Concat(tokenizer.Itos), Is.EqualTo("\n !$&',-.3:;?ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"));
        Assert.That(tokenizer.Stoi["a"], Is.EqualTo(39));
        Assert.That(tokenizer.EncodeToIds("hii there"), Is.EqualTo(new[] { 46, 47, 47, 1, 58, 46, 43, 56, 43 }));
        Assert.That(tokenizer.Decode([46, 47, 47, 1, 58, 46, 43, 56, 43]), Is.EqualTo("hii there"));
        int[] all = tokenizer.EncodeToIds(TestData.TinyShakespeare);
        Assert.That(all, Has.Length.EqualTo(1115394));
        Assert.That(tokenizer.Decode(all), Is.EqualTo(TestData.TinyShakespeare));
    }

    [Test]
    public void CodePoints_AreSymbols_SortedByCodePoint()
    {
        var tokenizer = CharTokenizer.Build("b😀a\u00e9a");
        Assert.That(tokenizer.Itos, Is.EqualTo(new[] { "a", "b", "\u00e9", "😀" }));
        Assert.That(tokenizer.EncodeToIds("😀ab"), Is.EqualTo(new[] { 3, 0, 1 }));
        var lone = CharTokenizer.Build("a\ud800");
        Assert.That(lone.Itos, Is.EqualTo(new[] { "a", "\ufffd" }));
        Assert.That(lone.EncodeToIds("\udc00a"), Is.EqualTo(new[] { 1, 0 }));
    }

    [Test]
    public void SaveAndLoad_RoundTrip()
    {
        string path = Path.Combine(_dir, "vocab.json");
        var original = CharTokenizer.Build("hello 😀 world", UnknownCharPolicy.MapToUnknown).WithSpecialTokens("<|end|>");
        ((CharTokenizer)original).Save(path);
        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { path }), "no temporary file left");
        var loaded = CharTokenizer.Load(path);
        Assert.That(loaded.Itos, Is.EqualTo(((CharTokenizer)original).Itos));
        Assert.That(loaded.SpecialTokens, Is.EquivalentTo(original.SpecialTokens));
        Assert.That(loaded.UnknownPolicy, Is.EqualTo(UnknownCharPolicy.MapToUnknown));
        Assert.That(loaded.EncodeToIds("low?<|end|>", AllowedSpecialTokens.All), Is.EqualTo(original.EncodeToIds("low?<|end|>", AllowedSpecialTokens.All)));
    }

    [Test]
    public void UnknownCharacters_FollowThePolicy()
    {
        var strict = CharTokenizer.Build("abc");
        var e = Assert.Throws<ArgumentException>(() => strict.EncodeToIds("abxc"))!;
        Assert.That(e.Message, Does.StartWith("Character U+0078 at position 2 of the text is not in the character vocabulary (3 symbols)."));

        var mapped = strict.WithUnknownPolicy(UnknownCharPolicy.MapToUnknown);
        Assert.That(mapped.GetSpecialTokenId(CharTokenizer.UnknownToken), Is.EqualTo(3));
        Assert.That(mapped.EncodeToIds("abxc😀"), Is.EqualTo(new[] { 0, 1, 3, 2, 3 }));
        Assert.That(mapped.Decode([0, 3]), Is.EqualTo("a<unk>"));

        var skipping = strict.WithUnknownPolicy(UnknownCharPolicy.Skip);
        Assert.That(skipping.EncodeToIds("xaxbx"), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(skipping.CountTokens("xaxbx"), Is.EqualTo(2));
    }

    [Test]
    public void Load_BadFiles_NameTheField()
    {
        string path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, "{\"type\":\"trm-char-vocab\",\"itos\":[\"a\",\"bc\"]}");
        Assert.That(Assert.Throws<InvalidDataException>(() => CharTokenizer.Load(path))!.Message, Does.Contain("itos[1]"));
        File.WriteAllText(path, "{\"type\":\"trm-char-vocab\",\"itos\":[\"b\",\"a\"]}");
        Assert.That(Assert.Throws<InvalidDataException>(() => CharTokenizer.Load(path))!.Message, Does.Contain("sorted"));
        File.WriteAllText(path, "{\"type\":\"other\"}");
        Assert.That(Assert.Throws<InvalidDataException>(() => CharTokenizer.Load(path))!.Message, Does.Contain("'type'"));
        File.WriteAllText(path, "{\"type\":\"trm-char-vocab\",\"itos\":[\"a\"],\"special_tokens\":{\"<x>\":0}}");
        Assert.That(Assert.Throws<InvalidDataException>(() => CharTokenizer.Load(path))!.Message, Does.Contain("special_tokens.<x>"));
        File.WriteAllText(path, "{not json");
        Assert.That(Assert.Throws<InvalidDataException>(() => CharTokenizer.Load(path))!.Message, Does.Contain(path));
        Assert.Throws<FileNotFoundException>(() => CharTokenizer.Load(Path.Combine(_dir, "missing.json")));
        Assert.Throws<ArgumentException>(() => CharTokenizer.Build(""));
        Assert.Throws<ArgumentNullException>(() => CharTokenizer.Build((string)null!));
    }
}
