using System.Text;
using Trm.Data.Chat;
using Trm.Data.Readers;
using Trm.Data.Tests.Support;
using Trm.Data.TokenStream;

namespace Trm.Data.Tests.Readers;

/// <summary>Bytes that are not UTF-8: an error naming file, line and byte offset by default; replaced or dropped and counted on request.</summary>
public class InvalidUtf8Tests
{
    private static (string Text, long Count) Read(byte[] bytes, InvalidUtf8Policy policy)
    {
        using var stream = new Utf8CheckingStream(new MemoryStream(bytes), "in.txt", policy);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return (Encoding.UTF8.GetString(copy.ToArray()), stream.InvalidSequences);
    }

    private static readonly byte[] Bad = [.. "ab\ncd"u8, 0xFF, 0xC3, 0xA9, (byte)'\n']; // "ab\ncd" 0xFF "é\n"

    [Test]
    public void TheDefaultIsAnErrorNamingFileLineAndByteOffset()
    {
        var ex = Assert.Throws<TrmDataException>(() => Read(Bad, InvalidUtf8Policy.Error))!;
        Assert.That(ex.Message, Does.StartWith("in.txt:2: invalid UTF-8 at byte offset 5 (bytes FF"));
        Assert.That(ex.Line, Is.EqualTo(2));
        Assert.That(ex.Message, Does.Contain("--invalid-utf8 replace|skip"));
    }

    [Test]
    public void ReplaceAndSkipCountWhatTheyChanged()
    {
        Assert.That(Read(Bad, InvalidUtf8Policy.Replace), Is.EqualTo(("ab\ncd\uFFFDé\n", 1L)));
        Assert.That(Read(Bad, InvalidUtf8Policy.Skip), Is.EqualTo(("ab\ncdé\n", 1L)));
        // an overlong encoding, a lone continuation byte and a surrogate: three sequences
        byte[] three = [(byte)'x', 0xC0, 0xAF, (byte)'y', 0x80, 0xED, 0xA0, 0x80, (byte)'z'];
        Assert.That(Read(three, InvalidUtf8Policy.Skip).Text, Is.EqualTo("xyz"));
        Assert.That(Read(three, InvalidUtf8Policy.Skip).Count, Is.GreaterThanOrEqualTo(3));
    }

    [Test]
    public void ASequenceSplitAcrossReadsIsValidAndOneCutOffAtTheEndIsNot()
    {
        var bytes = new byte[(1 << 16) - 1 + 2];
        bytes.AsSpan(0, (1 << 16) - 1).Fill((byte)'a');
        bytes[^2] = 0xC3; // é across the 64 KB buffer boundary
        bytes[^1] = 0xA9;
        Assert.That(Read(bytes, InvalidUtf8Policy.Error).Text, Does.EndWith("aé"));
        var ex = Assert.Throws<TrmDataException>(() => Read([(byte)'a', (byte)'\n', 0xC3], InvalidUtf8Policy.Error))!;
        Assert.That(ex.Message, Does.StartWith("in.txt:2: invalid UTF-8 at byte offset 2 (bytes C3)"));
    }

    [Test]
    public async Task BuildChatStopsOnInvalidUtf8OrCountsItOnRequest()
    {
        using var dir = new ScratchDirectory();
        var path = Path.Combine(dir.Path, "dolly.jsonl");
        var good = """{"instruction": "a", "context": "", "response": "b"}""";
        File.WriteAllBytes(path, [.. Encoding.UTF8.GetBytes(good + "\n" + good + "\n" + "{\"instruction\": \"x"), 0xFE, .. Encoding.UTF8.GetBytes("\", \"response\": \"y\"}\n")]);

        var ex = Assert.ThrowsAsync<TrmDataException>(() => new ChatDatasetBuilder().FromFile(path).WithTrainSplit(1).BuildAsync(dir.File("out")))!;
        Assert.That(ex.Message, Does.StartWith($"{path}:3: invalid UTF-8 at byte offset {2 * (good.Length + 1) + 18}"));

        var options = new ChatDatasetOptions { InputPath = path, TrainSplit = 1, InvalidUtf8 = InvalidUtf8Policy.Replace };
        var result = await new ChatDatasetBuilder().WithOptions(options).BuildAsync(dir.File("out"));
        Assert.That(result.Info.Counts.InvalidUtf8, Is.EqualTo(1));
        Assert.That(result.Info.Counts.TrainExamples, Is.EqualTo(3));
    }

    [Test]
    public void PrepareTextStopsOnInvalidUtf8OrReportsTheCount()
    {
        using var dir = new ScratchDirectory();
        var path = Path.Combine(dir.Path, "in.txt");
        File.WriteAllBytes(path, [.. "hello\nworld "u8, 0xFF, 0xFF, .. "!\n"u8]);
        var ex = Assert.Throws<TrmDataException>(() => TextDatasetPreparer.Prepare(new TextDatasetOptions { InputPath = path, OutputDirectory = dir.File("a") }))!;
        Assert.That(ex.Message, Does.StartWith($"{path}:2: invalid UTF-8 at byte offset 12"));

        var messages = new List<string>();
        var meta = TextDatasetPreparer.Prepare(new TextDatasetOptions { InputPath = path, OutputDirectory = dir.File("b"), InvalidUtf8 = InvalidUtf8Policy.Skip, ValFraction = 0 },
            new SyncProgress(messages.Add));
        Assert.That(messages, Does.Contain("2 invalid UTF-8 sequences dropped"));
        Assert.That(meta.TrainTokens, Is.EqualTo("hello\nworld !\n".Length));
    }

    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
