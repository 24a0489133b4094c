using Trm.Tokenization;

namespace Trm.Cli.Tests;

public class TokenizeCommandTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trm-cli-tok-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string WriteFile(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void Tokenize_Gpt2File_PrintsReferenceIds()
    {
        // "Hello world" = [15496, 995], "\n" = 198 (reference encoder).
        var result = CliRunner.Run("tokenize", "--tokenizer", "gpt2", "--input", WriteFile("a.txt", "Hello world\nHello world"));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Is.EqualTo("15496 995 198 15496 995\n"));
    }

    [Test]
    public void Tokenize_JsonFormat_WritesOneArrayPerLine()
    {
        var result = CliRunner.Run("tokenize", "--input", WriteFile("a.txt", "Hello world\n\nI'm here\n"), "--format", "json");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Is.EqualTo("[15496,995]\n[]\n[40,1101,994]\n"));
    }

    [Test]
    public void Tokenize_CountFormat_FromStandardInput()
    {
        var result = CliRunner.RunWithInput("Hello world<|endoftext|>", "tokenize", "--format", "count", "--input", "-");
        Assert.That(result.Output, Is.EqualTo("9\n")); // Hello, world, then the special token as text: < | end of text | >
        result = CliRunner.RunWithInput("Hello world<|endoftext|>", "tokenize", "--format", "count", "--allow-special");
        Assert.That(result.Output, Is.EqualTo("3\n"));
    }

    [Test]
    public void Tokenize_AllowSpecial_EmitsEndOfTextId()
    {
        var result = CliRunner.RunWithInput("a<|endoftext|>", "tokenize", "--allow-special");
        Assert.That(result.Output, Is.EqualTo("64 50256\n"));
    }

    [Test]
    public void Tokenize_ChatTokens_AreAddedAfterTheVocabulary()
    {
        var result = CliRunner.RunWithInput("<|user|>hi<|end|>", "tokenize", "--chat", "--allow-special");
        Assert.That(result.Output, Is.EqualTo("50258 5303 50260\n"));
    }

    [Test]
    public void Detokenize_RoundTripsBothFormats()
    {
        string text = "First line, 'quoted'.\n  Second  line 😀 日本\n";
        string ids = CliRunner.RunWithInput(text, "tokenize").Output;
        var back = CliRunner.RunWithInput(ids, "detokenize");
        Assert.That(back.ExitCode, Is.EqualTo(0), back.Error);
        Assert.That(back.Output, Is.EqualTo(text));

        string json = CliRunner.RunWithInput(text, "tokenize", "--format", "json").Output;
        Assert.That(CliRunner.RunWithInput(json, "detokenize").Output, Is.EqualTo(text));
    }

    [Test]
    public void Detokenize_SkipSpecial_DropsSpecialTokens()
    {
        Assert.That(CliRunner.RunWithInput("64 50256 65", "detokenize").Output, Is.EqualTo("a<|endoftext|>b"));
        Assert.That(CliRunner.RunWithInput("64,50256,65", "detokenize", "--skip-special").Output, Is.EqualTo("ab"));
    }

    [Test]
    public void CharTokenizer_FromVocabularyFile()
    {
        string vocab = Path.Combine(_dir, "vocab.json");
        CharTokenizer.Build("hello world").Save(vocab);
        // sorted unique characters: ' ' d e h l o r w → ids 0..7
        var result = CliRunner.RunWithInput("hello", "tokenize", "--tokenizer", "char:" + vocab);
        Assert.That(result.Output, Is.EqualTo("3 2 4 4 5\n"));
        Assert.That(CliRunner.RunWithInput("3 2 4 4 5 0 7", "detokenize", "-t", "char:" + vocab).Output, Is.EqualTo("hello w"));
    }

    [Test]
    public void Errors_GiveExitCodeOneAndAClearMessage()
    {
        var unknown = CliRunner.RunWithInput("x", "tokenize", "--tokenizer", "bpe-9000");
        Assert.That(unknown.ExitCode, Is.EqualTo(1));
        Assert.That(unknown.Error, Does.Contain("Unknown tokenizer 'bpe-9000'"));

        var missing = CliRunner.Run("tokenize", "--input", Path.Combine(_dir, "nope.txt"));
        Assert.That(missing.ExitCode, Is.EqualTo(1));
        Assert.That(missing.Error, Does.Contain("nope.txt"));

        var badId = CliRunner.RunWithInput("1 2 99999", "detokenize");
        Assert.That(badId.ExitCode, Is.EqualTo(1));
        Assert.That(badId.Error, Is.EqualTo("error: Token id 99999 at position 2 is outside the vocabulary of tokenizer 'gpt2' (size 50257).\n"));

        var notId = CliRunner.RunWithInput("1 two", "detokenize");
        Assert.That(notId.Error, Does.Contain("input line 1: 'two' is not a token id"));

        var unknownChar = CliRunner.RunWithInput("hello?", "tokenize", "--tokenizer", "char:" + WriteVocab());
        Assert.That(unknownChar.ExitCode, Is.EqualTo(1));
        Assert.That(unknownChar.Error, Does.Contain("U+003F at position 5"));
    }

    private string WriteVocab()
    {
        string vocab = Path.Combine(_dir, "v.json");
        CharTokenizer.Build("hello").Save(vocab);
        return vocab;
    }
}
