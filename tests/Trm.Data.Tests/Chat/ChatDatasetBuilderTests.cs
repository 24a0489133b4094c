using System.Text.Json;
using Trm.Data.Chat;
using Trm.Data.Readers;
using Trm.Data.Tests.Support;
using Trm.Tokenization;
using Trm.Tokenization.Chat;

namespace Trm.Data.Tests.Chat;

public class ChatDatasetBuilderTests
{
    private static string Gsm8kAlpaca(ScratchDirectory dir, int count = 200)
    {
        var records = File.ReadLines(ChatTestData.Path("gsm8k", "train-200.jsonl")).Take(count).Select(line =>
        {
            using var doc = JsonDocument.Parse(line);
            return new { instruction = doc.RootElement.GetProperty("question").GetString(), input = "", output = doc.RootElement.GetProperty("answer").GetString() };
        });
        return dir.Write("gsm8k.json", JsonSerializer.Serialize(records));
    }

    [Test]
    public async Task LossMaskCoversAssistantContentAndItsEndToken()
    {
        using var dir = new ScratchDirectory();
        var result = await new ChatDatasetBuilder().FromFile(ChatTestData.Path("chat", "alpaca.json")).WithTrainSplit(1.0).BuildAsync(dir.File("out"));

        using var dataset = ChatDataset.Open(dir.File("out"));
        Assert.That(dataset.Train.Count, Is.EqualTo(3));
        Assert.That(dataset.Val.Count, Is.EqualTo(0));
        var gpt2 = Tokenizer.FromName("gpt2");
        var template = ChatTemplate.Create(gpt2);
        var user = gpt2.EncodeToIds("Translate to French.\n\nGood morning");
        var assistant = gpt2.EncodeToIds("Bonjour");
        int[] expectedIds = [template.UserId, .. user, template.EndId, template.AssistantId, .. assistant, template.EndId];
        byte[] expectedMask = [.. Enumerable.Repeat((byte)0, user.Length + 3), .. Enumerable.Repeat((byte)1, assistant.Length + 1)];

        var (ids, mask) = dataset.Train[1];
        Assert.That(ids, Is.EqualTo(expectedIds));
        Assert.That(mask, Is.EqualTo(expectedMask));
        Assert.That(result.Info.VocabSize, Is.EqualTo(50_257 + 7));
        Assert.That(result.Info.SpecialTokens["<|endoftext|>"], Is.EqualTo(50256));
        Assert.That(result.Info.SpecialTokens["<|pad|>"], Is.EqualTo(result.Info.PadId));
        Assert.That(result.Info.Counts.TrainTrainedTokens, Is.EqualTo(Enumerable.Range(0, 3).Sum(i => dataset.Train[i].LossMask.Sum(b => b))));
        Assert.That(result.Info.SourceFormat, Is.EqualTo("alpaca"));
    }

    [Test]
    public async Task MultiTurnMaskTrainsEveryAssistantTurnOnly()
    {
        using var dir = new ScratchDirectory();
        await new ChatDatasetBuilder().FromFile(ChatTestData.Path("chat", "sharegpt.json")).WithTrainSplit(1.0).BuildAsync(dir.File("out"));
        using var dataset = ChatDataset.Open(dir.File("out"));
        var (ids, mask) = dataset.Train[0];
        var template = ChatTemplate.Create(Tokenizer.FromName("gpt2"));
        // trained tokens: "4" + <|end|> and "6" + <|end|>
        var trained = ids.Zip(mask).Where(p => p.Second == 1).Select(p => p.First).ToArray();
        var gpt2 = Tokenizer.FromName("gpt2");
        Assert.That(trained, Is.EqualTo((int[])[.. gpt2.EncodeToIds("4"), template.EndId, .. gpt2.EncodeToIds("6"), template.EndId]));
        Assert.That(ids[0], Is.EqualTo(template.SystemId));
    }

    [Test]
    public async Task SplitAndSubsampleAreDeterministicAndSeedDependent()
    {
        using var dir = new ScratchDirectory();
        var input = Gsm8kAlpaca(dir);
        async Task<(long Train, long Val, string TrainBytes)> Build(string name, long seed)
        {
            var result = await new ChatDatasetBuilder().FromFile(input).WithSubsample(50, seed).WithTrainSplit(0.8).BuildAsync(dir.File(name));
            return (result.Info.Counts.TrainExamples, result.Info.Counts.ValExamples, Convert.ToHexString(File.ReadAllBytes(Path.Combine(result.Directory, "train.tokens.bin"))));
        }
        var a = await Build("a", 1);
        var b = await Build("b", 1);
        var c = await Build("c", 2);
        Assert.That((a.Train, a.Val), Is.EqualTo((40L, 10L)));
        Assert.That(b.TrainBytes, Is.EqualTo(a.TrainBytes));
        Assert.That(c.TrainBytes, Is.Not.EqualTo(a.TrainBytes));
        var info = ChatDatasetInfo.Load(dir.File("a"));
        Assert.That(info.Counts.SubsampledOut, Is.EqualTo(150));
        Assert.That(info.Counts.Conversations, Is.EqualTo(200));
    }

    [Test]
    public async Task TrainAndValAreDisjointAndCoverTheSubsample()
    {
        using var dir = new ScratchDirectory();
        var input = Gsm8kAlpaca(dir, 60);
        await new ChatDatasetBuilder().FromFile(input).WithTokenizer("gpt2").WithTrainSplit(0.75).WithSeed(3).BuildAsync(dir.File("out"));
        using var dataset = ChatDataset.Open(dir.File("out"));
        var gpt2 = Tokenizer.FromName("gpt2").WithSpecialTokens(ChatSpecialTokens.All);
        string Question(ChatDatasetSplit split, int i) => gpt2.Decode(split[i].Ids);
        var train = Enumerable.Range(0, dataset.Train.Count).Select(i => Question(dataset.Train, i)).ToHashSet();
        var val = Enumerable.Range(0, dataset.Val.Count).Select(i => Question(dataset.Val, i)).ToHashSet();
        Assert.That(train.Count, Is.EqualTo(45));
        Assert.That(val.Count, Is.EqualTo(15));
        Assert.That(train.Overlaps(val), Is.False);
    }

    [Test]
    public async Task SameInputsReuseTheOutputUnlessForced()
    {
        using var dir = new ScratchDirectory();
        var input = Gsm8kAlpaca(dir, 20);
        var out1 = dir.File("out");
        var first = await new ChatDatasetBuilder().FromFile(input).BuildAsync(out1);
        var stamp = File.GetLastWriteTimeUtc(Path.Combine(out1, "train.tokens.bin"));
        var second = await new ChatDatasetBuilder().FromFile(input).BuildAsync(out1);
        Assert.That(second.Reused, Is.True);
        Assert.That(File.GetLastWriteTimeUtc(Path.Combine(out1, "train.tokens.bin")), Is.EqualTo(stamp));
        var forced = await new ChatDatasetBuilder().FromFile(input).Force().BuildAsync(out1);
        var changed = await new ChatDatasetBuilder().FromFile(input).WithMaxLength(64).BuildAsync(out1);

        Assert.That(first.Reused, Is.False);
        Assert.That(forced.Reused, Is.False);
        Assert.That(forced.Info.Fingerprint, Is.EqualTo(first.Info.Fingerprint));
        Assert.That(changed.Reused, Is.False);
        Assert.That(changed.Info.Fingerprint, Is.Not.EqualTo(first.Info.Fingerprint));
        Assert.That(Directory.GetFiles(out1).Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { "dataset.json", "train.mask.bin", "train.offsets.bin", "train.tokens.bin", "val.mask.bin", "val.offsets.bin", "val.tokens.bin" }));
    }

    [Test]
    public async Task OverLengthIsTruncatedOrDroppedAndCounted()
    {
        using var dir = new ScratchDirectory();
        var input = Gsm8kAlpaca(dir, 100);
        var full = await new ChatDatasetBuilder().FromFile(input).WithTrainSplit(1.0).BuildAsync(dir.File("full"));
        using var fullSet = ChatDataset.Open(dir.File("full"));
        var lengths = Enumerable.Range(0, fullSet.Train.Count).Select(fullSet.Train.Length).ToList();
        const int max = 160;
        var over = lengths.Count(l => l > max);
        Assert.That(over, Is.InRange(1, 99), "the fixture must have examples on both sides of the limit");

        var truncated = await new ChatDatasetBuilder().FromFile(input).WithTrainSplit(1.0).WithMaxLength(max, OverLengthPolicy.Truncate).BuildAsync(dir.File("t"));
        var dropped = await new ChatDatasetBuilder().FromFile(input).WithTrainSplit(1.0).WithMaxLength(max, OverLengthPolicy.Drop).BuildAsync(dir.File("d"));

        Assert.That(truncated.Info.Counts.Truncated + truncated.Info.Counts.DroppedOverLength, Is.EqualTo(over));
        Assert.That(truncated.Info.Counts.TrainExamples, Is.EqualTo(100 - truncated.Info.Counts.DroppedOverLength));
        Assert.That(dropped.Info.Counts.DroppedOverLength, Is.EqualTo(over));
        Assert.That(dropped.Info.Counts.TrainExamples, Is.EqualTo(100 - over));
        using var t = ChatDataset.Open(dir.File("t"));
        Assert.That(Enumerable.Range(0, t.Train.Count).Max(t.Train.Length), Is.EqualTo(max));
    }

    [Test]
    public async Task CharTokenizerFromAVocabularyFile()
    {
        using var dir = new ScratchDirectory();
        var text = File.ReadAllText(ChatTestData.Path("chat", "dolly.jsonl"));
        var vocab = dir.File("vocab.json");
        CharTokenizer.Build(text).Save(vocab);
        var result = await new ChatDatasetBuilder().FromFile(ChatTestData.Path("chat", "dolly.jsonl")).WithTokenizer("char:" + vocab).WithTrainSplit(1.0).BuildAsync(dir.File("out"));
        using var dataset = ChatDataset.Open(dir.File("out"));
        var chars = CharTokenizer.Load(vocab);
        Assert.That(result.Info.VocabSize, Is.EqualTo(chars.VocabSize + 7));
        Assert.That(result.Info.Dtype, Is.EqualTo("uint16"));
        var (ids, mask) = dataset.Train[1];
        Assert.That(ids.Length, Is.EqualTo(1 + "Which is a species of fish? Tope or Rope".Length + 2 + "Tope".Length + 1));
        Assert.That(mask.Count(m => m == 1), Is.EqualTo("Tope".Length + 1));
    }

    [Test]
    public async Task InvalidTurnOrderIsSkippedAndCountedOrThrows()
    {
        using var dir = new ScratchDirectory();
        var input = dir.Write("s.json", """
            [{"conversations": [{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"}]},
             {"conversations": [{"from": "gpt", "value": "first"}, {"from": "human", "value": "x"}, {"from": "gpt", "value": "y"}]},
             {"conversations": [{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"}, {"from": "human", "value": "dangling"}]}]
            """);
        var skipped = await new ChatDatasetBuilder().FromFile(input).OnMalformed(MalformedRecordPolicy.Skip).WithTrainSplit(1.0).BuildAsync(dir.File("out"));
        Assert.That(skipped.Info.Counts.SkippedInvalidTurns, Is.EqualTo(1));
        Assert.That(skipped.Info.Counts.TrainExamples, Is.EqualTo(2), "a trailing user turn is dropped, the rest is kept");

        var error = Assert.ThrowsAsync<TrmDataException>(() => new ChatDatasetBuilder().FromFile(input).WithTrainSplit(1.0).Force().BuildAsync(dir.File("out2")));
        Assert.That(error!.Message, Is.EqualTo($"{input}: field 'turns': cannot render conversation s.json#2: Message 0 is an assistant message at the start; expected a user message."));
    }

    [Test]
    public void BadOptionsAreRejected()
    {
        Assert.That(Assert.ThrowsAsync<TrmDataException>(() => new ChatDatasetBuilder().FromFile("x.json").WithTrainSplit(1.5).BuildAsync("out"))!.Message,
            Is.EqualTo("train split must be in (0, 1], got 1.5"));
        Assert.That(Assert.ThrowsAsync<TrmDataException>(() => new ChatDatasetBuilder().FromFile("/nope/x.json").BuildAsync("out"))!.Message,
            Is.EqualTo("/nope/x.json: file not found"));
    }
}
