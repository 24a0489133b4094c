using Trm.Data.Tests.Support;
using Trm.Data.TokenStream;
using Trm.Tokenization;

namespace Trm.Data.Tests.TokenStream;

public class TextDatasetPreparerTests
{
    [Test]
    public void TinyShakespeareCharMatchesNanoGpt()
    {
        using var dir = new ScratchDirectory();
        var meta = TextDatasetPreparer.Prepare(new TextDatasetOptions { InputPath = ChatTestData.Path("tinyshakespeare", "input.txt"), OutputDirectory = dir.Path });

        Assert.That(meta.VocabSize, Is.EqualTo(65));
        Assert.That(meta.TrainTokens, Is.EqualTo(1_003_854));
        Assert.That(meta.ValTokens, Is.EqualTo(111_540));
        Assert.That(meta.Dtype, Is.EqualTo("uint16"));
        Assert.That(new FileInfo(dir.File("train.bin")).Length, Is.EqualTo(2 * 1_003_854));
        Assert.That(new FileInfo(dir.File("val.bin")).Length, Is.EqualTo(2 * 111_540));
        Assert.That(meta.Itos!["0"], Is.EqualTo("\n"));
        Assert.That(meta.Itos["1"], Is.EqualTo(" "));
        Assert.That(meta.Stoi!["a"], Is.EqualTo(39));

        using var dataset = TokenStreamDataset.Open(dir.Path);
        var first = new int[14];
        dataset.Train.CopyTo(0, first);
        Assert.That(string.Concat(first.Select(id => meta.Itos[id.ToString()])), Is.EqualTo("First Citizen:"));
        var reloaded = TokenStreamMeta.Load(dir.Path);
        Assert.That(reloaded.Stoi, Is.EquivalentTo(meta.Stoi));
        // the vocabulary file beside meta.json loads as a char tokenizer with the same ids
        var chars = (CharTokenizer)Tokenizer.FromName("char:" + dir.File(TextDatasetPreparer.VocabFile));
        Assert.That(chars.EncodeToIds("First"), Is.EqualTo(first[..5]));
    }

    [Test]
    public void TinyShakespeareGpt2MatchesNanoGpt()
    {
        using var dir = new ScratchDirectory();
        var meta = TextDatasetPreparer.Prepare(new TextDatasetOptions { InputPath = ChatTestData.Path("tinyshakespeare", "input.txt"), OutputDirectory = dir.Path, Tokenizer = "gpt2" });

        // nanoGPT's data/shakespeare/prepare.py reports 301,966 train and 36,059 val tokens.
        Assert.That(meta.TrainTokens, Is.EqualTo(301_966));
        Assert.That(meta.ValTokens, Is.EqualTo(36_059));
        Assert.That(meta.VocabSize, Is.EqualTo(50_257));
        Assert.That(meta.Dtype, Is.EqualTo("uint16"));
        Assert.That(meta.Stoi, Is.Null);
        using var dataset = TokenStreamDataset.Open(dir.Path);
        var head = new int[2];
        dataset.Train.CopyTo(0, head);
        Assert.That(head, Is.EqualTo(Tokenizer.FromName("gpt2").EncodeToIds("First Citizen")));
    }

    [Test]
    public void ParallelEncodingEqualsOneShotEncoding()
    {
        // 600,000 characters are several 1 MB-at-most chunks only with blank lines, the case a cut after "\n\n" gets wrong.
        var text = string.Concat(Enumerable.Repeat(File.ReadAllText(ChatTestData.Path("tinyshakespeare", "input.txt"))[..600_000], 4));
        var gpt2 = Tokenizer.FromName("gpt2");
        Assert.That(ParallelEncoderAccess(gpt2, text), Is.EqualTo(gpt2.EncodeToIds(text)));
    }

    private static int[] ParallelEncoderAccess(Tokenizer tokenizer, string text)
    {
        using var dir = new ScratchDirectory();
        var input = dir.Write("in.txt", text);
        TextDatasetPreparer.Prepare(new TextDatasetOptions { InputPath = input, OutputDirectory = dir.Path, Tokenizer = tokenizer.Name, ValFraction = 0 });
        using var file = new TokenStreamFile(dir.File("train.bin"), TokenDtype.UInt16);
        var ids = new int[file.Length];
        file.CopyTo(0, ids);
        return ids;
    }

    [Test]
    public void SplitCountsCodePointsNotUtf16Units()
    {
        using var dir = new ScratchDirectory();
        var input = dir.Write("in.txt", "ab😀cdefghij"); // 11 code points: train = floor(11 * 0.9) = 9
        var meta = TextDatasetPreparer.Prepare(new TextDatasetOptions { InputPath = input, OutputDirectory = dir.Path });
        Assert.That(meta.TrainTokens, Is.EqualTo(9));
        Assert.That(meta.ValTokens, Is.EqualTo(2));
        Assert.That(meta.VocabSize, Is.EqualTo(11));
    }

    [Test]
    public void CharDatasetsCarryANanoGptMetaPickle()
    {
        using var dir = new ScratchDirectory();
        var input = dir.Write("in.txt", "abba");
        TextDatasetPreparer.Prepare(new TextDatasetOptions { InputPath = input, OutputDirectory = dir.Path, ValFraction = 0.25 });
        // {'vocab_size': 2, 'itos': {0: 'a', 1: 'b'}, 'stoi': {'a': 0, 'b': 1}} in pickle protocol 2, opcode by opcode
        byte[] Str(string s) => [(byte)'X', (byte)s.Length, 0, 0, 0, .. System.Text.Encoding.ASCII.GetBytes(s)];
        byte[] expected =
        [
            0x80, 2, (byte)'}', (byte)'(',
            .. Str("vocab_size"), (byte)'K', 2,
            .. Str("itos"), (byte)'}', (byte)'(', (byte)'K', 0, .. Str("a"), (byte)'K', 1, .. Str("b"), (byte)'u',
            .. Str("stoi"), (byte)'}', (byte)'(', .. Str("a"), (byte)'K', 0, .. Str("b"), (byte)'K', 1, (byte)'u',
            (byte)'u', (byte)'.',
        ];
        Assert.That(File.ReadAllBytes(dir.File("meta.pkl")), Is.EqualTo(expected));
    }

    [Test]
    public void MetaPickleLoadsInPythonWhenAvailable()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python))
            Assert.Ignore("no /usr/bin/python3 on this machine");
        using var dir = new ScratchDirectory();
        TextDatasetPreparer.Prepare(new TextDatasetOptions { InputPath = ChatTestData.Path("tinyshakespeare", "input.txt"), OutputDirectory = dir.Path });
        var start = new System.Diagnostics.ProcessStartInfo(python, ["-c",
            "import pickle,sys; m=pickle.load(open(sys.argv[1],'rb')); print(m['vocab_size'], len(m['itos']), m['stoi']['a'], repr(m['itos'][0]), ''.join(m['itos'][i] for i in range(13,20)))",
            dir.File("meta.pkl")])
        { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        Assert.That(output, Is.EqualTo("65 65 39 '\\n' ABCDEFG"));
    }

    [Test]
    public void WideVocabularyIsWrittenAsUInt32()
    {
        using var dir = new ScratchDirectory();
        TokenStreamFile.Write(dir.File("x.bin"), new[] { 0, 70_000, 5 }, TokenDtypes.ForVocabSize(70_001));
        Assert.That(new FileInfo(dir.File("x.bin")).Length, Is.EqualTo(12));
        using var file = new TokenStreamFile(dir.File("x.bin"), TokenDtype.UInt32);
        Assert.That(file[1], Is.EqualTo(70_000));
        var error = Assert.Throws<TrmDataException>(() => TokenStreamFile.Write(dir.File("y.bin"), new[] { 70_000 }, TokenDtype.UInt16));
        Assert.That(error!.Reason, Is.EqualTo("token id 70000 at position 0 does not fit uint16"));
    }

    [Test]
    public void MetaThatDisagreesWithTheBinIsReported()
    {
        using var dir = new ScratchDirectory();
        var input = dir.Write("in.txt", "hello world, hello tokens");
        TextDatasetPreparer.Prepare(new TextDatasetOptions { InputPath = input, OutputDirectory = dir.Path });
        File.WriteAllBytes(dir.File("train.bin"), new byte[6]);
        var error = Assert.Throws<TrmDataException>(() => TokenStreamDataset.Open(dir.Path));
        Assert.That(error!.Message, Is.EqualTo($"{dir.File("train.bin")}: field 'train_tokens': has 3 tokens but meta.json says 22"));
    }
}
