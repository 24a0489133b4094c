using Trm.Data.Chat;
using Trm.Data.Readers;
using Trm.Data.Sft;
using Trm.Data.Sft.Tasks;
using Trm.Data.Tests.Support;

namespace Trm.Data.Tests.Sft;

public class SftMixtureBuilderTests
{
    private static SftSource Gsm8k => SftSource.FromFile(ChatTestData.Path("gsm8k", "train-200.jsonl"));

    private static SftSource SeedTasks => SftSource.FromFile(ChatTestData.Path("alpaca-seed", "seed_tasks.jsonl"));

    [Test]
    public void ChatRatio_FillsChatToTheRatio_CountedExactly()
    {
        // 70 reasoning examples at chat ratio 0.3: floor(70 × 0.3 / 0.7) = 30 chat examples, 100 in all.
        var mixture = new SftMixtureBuilder()
            .Add(Gsm8k with { Stop = 70 })
            .Add(SeedTasks with { IsChat = true })
            .WithChatRatio(0.3)
            .Mix();
        var m = mixture.Manifest;
        Assert.That((m.Examples, m.ChatExamples, m.Seed, m.ChatRatio), Is.EqualTo((100L, 30L, 42L, (double?)0.3)));
        Assert.That(m.Sources.Select(s => (s.Name, s.Role, s.Requested, s.Taken, s.Skipped, s.Epochs, s.Examples)), Is.EqualTo(new[]
        {
            ("train-200", "main", (long?)70, 70L, 0L, 1, 70L),
            ("seed_tasks", "chat", (long?)30, 30L, 0L, 1, 30L),
        }));
        Assert.That(mixture.Conversations, Has.Count.EqualTo(100));
        Assert.That(mixture.Conversations.Count(c => c.Turns[1].Reasoning is not null), Is.EqualTo(70));
        Assert.That(mixture.Conversations.Count(c => c.SourceId.StartsWith("seed_tasks/seed_task_", StringComparison.Ordinal)), Is.EqualTo(30));
        // the chat source gives its first 30 records
        Assert.That(mixture.Conversations.Where(c => c.SourceId.StartsWith("seed_tasks/", StringComparison.Ordinal)).Select(c => c.SourceId).Order(StringComparer.Ordinal),
            Is.EqualTo(Enumerable.Range(0, 30).Select(i => $"seed_tasks/seed_task_{i}").Order(StringComparer.Ordinal)));
    }

    [Test]
    public void Shuffle_IsDeterministicBySeed()
    {
        List<string> Ids(long seed) => new SftMixtureBuilder().Add(Gsm8k with { Stop = 40 }).Add(SeedTasks with { Stop = 20 }).WithSeed(seed).Mix().Conversations.Select(c => c.SourceId).ToList();
        var a = Ids(7);
        Assert.That(Ids(7), Is.EqualTo(a));
        Assert.That(Ids(8), Is.Not.EqualTo(a));
        Assert.That(Ids(8).Order(StringComparer.Ordinal), Is.EqualTo(a.Order(StringComparer.Ordinal)));
        Assert.That(a.Take(10), Is.Not.EqualTo(Enumerable.Range(1, 10).Select(i => $"train-200/train-200.jsonl:{i}")));
    }

    [Test]
    public void Epochs_RepeatEachTakenConversation()
    {
        var mixture = new SftMixtureBuilder().Add(Gsm8k with { Stop = 5, Epochs = 3 }).Add(SeedTasks with { Stop = 4 }).Mix();
        Assert.That(mixture.Manifest.Sources.Select(s => (s.Taken, s.Epochs, s.Examples)), Is.EqualTo(new[] { (5L, 3, 15L), (4L, 1, 4L) }));
        Assert.That(mixture.Conversations, Has.Count.EqualTo(19));
        Assert.That(mixture.Conversations.Count(c => c.SourceId == "train-200/train-200.jsonl:2@3"), Is.EqualTo(1));
        Assert.That(mixture.Conversations.Count(c => c.SourceId.StartsWith("train-200/train-200.jsonl:2", StringComparison.Ordinal)), Is.EqualTo(3));
    }

    [Test]
    public void ShortChatSource_ReportsRequestedAndTaken()
    {
        // 70 main at ratio 0.9 asks floor(70 × 0.9 / 0.1) = 630 chat examples; the seed tasks have 175.
        var m = new SftMixtureBuilder().Add(Gsm8k with { Stop = 70 }).Add(SeedTasks with { IsChat = true }).WithChatRatio(0.9).Mix().Manifest;
        Assert.That((m.Sources[1].Requested, m.Sources[1].Taken, m.Examples), Is.EqualTo(((long?)630, 175L, 245L)));
    }

    [Test]
    public void ChatWeights_SplitByLargestRemainder()
    {
        Assert.That(SftMixtureBuilder.SplitByWeight(428, [0.10, 0.05, 0.85]), Is.EqualTo(new long[] { 43, 21, 364 }));
        Assert.That(SftMixtureBuilder.SplitByWeight(10, [1, 1, 1]), Is.EqualTo(new long[] { 4, 3, 3 }));
        Assert.That(SftMixtureBuilder.SplitByWeight(0, [1, 2]), Is.EqualTo(new long[] { 0, 0 }));
    }

    [Test]
    public void MalformedRecords_SkippedAndCountedPerSource()
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("rs.jsonl",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"1+1?\"},{\"role\":\"assistant\",\"content\":\"#### 2\",\"reasoning\":\"1 + 1 = 2\"}]}\n" +
            "{\"messages\":[{\"role\":\"user\",\"content\":\"2+2?\"},{\"role\":\"robot\",\"content\":\"#### 4\"}]}\n" +
            "{\"messages\":[{\"role\":\"user\",\"content\":\"3+3?\"},{\"role\":\"assistant\",\"content\":\"#### 6\"}]}\n");
        var builder = new SftMixtureBuilder().Add(SftSource.FromFile(path, ChatFormat.JsonlChat));
        var error = Assert.Throws<TrmDataException>(() => builder.Mix());
        Assert.That(error!.Message, Is.EqualTo($"{path}:2: field 'messages[1].role': unknown role 'robot'"));
        var m = builder.OnMalformed(MalformedRecordPolicy.Skip).Mix().Manifest;
        Assert.That((m.Sources[0].Taken, m.Sources[0].Skipped), Is.EqualTo((2L, 1L)));
    }

    [Test]
    public void ReasoningTraces_ThinkPlainDrop()
    {
        var problem = AdditionTask.Solve(47, 35);
        var task = new AdditionTask();
        SftSource Source(ReasoningTraces traces) => SftSource.FromConversations("add", [task.ToConversation(problem, think: true)]) with { Reasoning = traces };
        Assert.That(new SftMixtureBuilder().Add(Source(ReasoningTraces.Think)).Mix().Conversations[0].Turns[1].Reasoning, Is.EqualTo(problem.Reasoning));
        var plain = new SftMixtureBuilder().Add(Source(ReasoningTraces.Plain)).Mix().Conversations[0].Turns[1];
        Assert.That((plain.Text, plain.Reasoning), Is.EqualTo((problem.Reasoning + "\n\n#### 82", (string?)null)));
        var dropped = new SftMixtureBuilder().Add(Source(ReasoningTraces.Drop)).Mix().Conversations[0].Turns[1];
        Assert.That((dropped.Text, dropped.Reasoning), Is.EqualTo(("#### 82", (string?)null)));
    }

    [Test]
    public void OpenThoughtsStyleParquet_InlineThinkBecomesTheTrace()
    {
        using var dir = new ScratchDirectory();
        var path = dir.File("ot.parquet");
        Trm.Data.Tests.Readers.ParquetTestFiles.WriteShareGpt(path,
            [("user", "2+2?"), ("assistant", "<think>\n2 and 2 make 4\n</think>\n\n4")],
            [("human", "Hi"), ("gpt", "Hello")]);
        var think = new SftMixtureBuilder().Add(SftSource.FromFile(path)).Mix().Conversations.OrderBy(c => c.SourceId, StringComparer.Ordinal).ToList();
        Assert.That(think[0].Turns[1], Is.EqualTo(new Trm.Data.Chat.ChatTurn(Trm.Tokenization.Chat.ChatRole.Assistant, "4") { Reasoning = "2 and 2 make 4" }));
        Assert.That(think[1].Turns[1].Reasoning, Is.Null);
        var answerOnly = new SftMixtureBuilder().Add(SftSource.FromFile(path) with { Reasoning = ReasoningTraces.Drop }).Mix().Conversations.OrderBy(c => c.SourceId, StringComparer.Ordinal).First();
        Assert.That((answerOnly.Turns[1].Text, answerOnly.Turns[1].Reasoning), Is.EqualTo(("4", (string?)null)));
    }

    [TestCase(-1, 1, 1.0, "source 'a': stop must not be negative, got -1")]
    [TestCase(null, 0, 1.0, "source 'a': epochs must be at least 1, got 0")]
    [TestCase(null, 1, 0.0, "source 'a': weight must be positive, got 0")]
    public void BadSources_AreRefused(int? stop, int epochs, double weight, string message)
    {
        var source = SftSource.FromConversations("a", []) with { Stop = stop, Epochs = epochs, Weight = weight };
        Assert.That(Assert.Throws<TrmDataException>(() => new SftMixtureBuilder().Add(source).Mix())!.Message, Is.EqualTo(message));
    }

    [Test]
    public void BadMixtures_AreRefused()
    {
        Assert.That(Assert.Throws<TrmDataException>(() => new SftMixtureBuilder().Mix())!.Message, Is.EqualTo("an SFT mixture needs at least one source"));
        Assert.That(Assert.Throws<TrmDataException>(() => new SftMixtureBuilder().Add(Gsm8k).Add(Gsm8k).Mix())!.Message, Does.Contain("two sources are named 'train-200'"));
        Assert.That(Assert.Throws<TrmDataException>(() => new SftMixtureBuilder().Add(Gsm8k).WithChatRatio(0.3).Mix())!.Message, Is.EqualTo("a chat ratio needs at least one chat source and one other source"));
        Assert.That(Assert.Throws<TrmDataException>(() => new SftMixtureBuilder().Add(Gsm8k).WithChatRatio(1.0).Mix())!.Message, Is.EqualTo("chat ratio must be in [0, 1), got 1"));
    }
}
