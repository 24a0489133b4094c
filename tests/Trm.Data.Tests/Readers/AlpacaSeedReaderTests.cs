using Trm.Data.Chat;
using Trm.Data.Readers;
using Trm.Data.Tests.Support;
using Trm.Tokenization.Chat;

namespace Trm.Data.Tests.Readers;

public class AlpacaSeedReaderTests
{
    [Test]
    public void SeedTasks_OneConversationPerInstance()
    {
        var reader = new ChatFileReader(ChatTestData.Path("alpaca-seed", "seed_tasks.jsonl"));
        var conversations = reader.Read().ToList();
        Assert.That(reader.Format, Is.EqualTo(ChatFormat.AlpacaSeed));
        Assert.That((reader.Report.RecordsRead, conversations.Count), Is.EqualTo((175, 175)));
        Assert.That(conversations[0].SourceId, Is.EqualTo("seed_task_0"));
        Assert.That(conversations[0].Turns[0].Text, Does.StartWith("Is there anything I can eat for a breakfast that doesn't include eggs"));
        Assert.That(conversations[0].Turns[1].Text, Does.StartWith("Yes, you can have 1 oatmeal banana protein shake"));
        Assert.That(conversations[0].Metadata["name"], Is.EqualTo("breakfast_suggestion"));
        Assert.That(conversations[0].Metadata["is_classification"], Is.EqualTo("false"));
        Assert.That(conversations.Count(c => c.Turns[0].Text.Contains("\n\n", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(125)); // 125 have an input
    }

    [Test]
    public void SeveralInstances_NumberedSourceIds()
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("s.jsonl", "{\"id\":\"t\",\"instruction\":\"Add.\",\"instances\":[{\"input\":\"1 2\",\"output\":\"3\"},{\"input\":\"\",\"output\":\"0\"}]}\n");
        var conversations = new ChatFileReader(path).Read().ToList();
        Assert.That(conversations.Select(c => c.SourceId), Is.EqualTo(new[] { "t", "t#2" }));
        Assert.That(conversations[0].Turns, Is.EqualTo(new[] { new ChatTurn(ChatRole.User, "Add.\n\n1 2"), new ChatTurn(ChatRole.Assistant, "3") }));
        Assert.That(conversations[1].Turns[0].Text, Is.EqualTo("Add."));
    }

    [TestCase("{\"instruction\":\"x\",\"instances\":[]}", "s.jsonl:1: field 'instances': has no instances")]
    [TestCase("{\"instruction\":\"x\",\"instances\":[{\"input\":\"a\"}]}", "s.jsonl:1: field 'instances[0].output': is missing")]
    public void MalformedRecords(string line, string message)
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("s.jsonl", line + "\n");
        var error = Assert.Throws<TrmDataException>(() => new ChatFileReader(path, new ChatReaderOptions { Format = ChatFormat.AlpacaSeed }).Read().ToList());
        Assert.That(error!.Message, Is.EqualTo(path[..^"s.jsonl".Length] + message));
    }
}
