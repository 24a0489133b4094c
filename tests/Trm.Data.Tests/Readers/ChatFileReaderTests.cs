using System.IO.Compression;
using System.Text.Json;
using Trm.Data.Chat;
using Trm.Data.Readers;
using Trm.Data.Tests.Support;
using Trm.Tokenization.Chat;

namespace Trm.Data.Tests.Readers;

public class ChatFileReaderTests
{
    private static List<Conversation> Read(string path, ChatFormat format = ChatFormat.Auto)
        => new ChatFileReader(path, new ChatReaderOptions { Format = format }).Read().ToList();

    [Test]
    public void AlpacaJsonListJoinsInstructionAndInput()
    {
        var conversations = Read(ChatTestData.Path("chat", "alpaca.json"));
        Assert.That(conversations, Has.Count.EqualTo(3));
        Assert.That(conversations[0].Turns, Is.EqualTo(new[] { new ChatTurn(ChatRole.User, "Give three tips for staying healthy."), new ChatTurn(ChatRole.Assistant, "1. Eat well.\n2. Exercise.\n3. Sleep.") }));
        Assert.That(conversations[1].Turns[0].Text, Is.EqualTo("Translate to French.\n\nGood morning"));
        Assert.That(conversations[2].Turns[0].Text, Is.EqualTo("Say \"hi\" in Japanese こ."));
        Assert.That(conversations[2].Turns[1].Text, Is.EqualTo("こんにちは"));
        Assert.That(conversations[1].SourceId, Is.EqualTo("alpaca.json#2"));
    }

    [Test]
    public void DollyKeepsContextAndCategory()
    {
        var reader = new ChatFileReader(ChatTestData.Path("chat", "dolly.jsonl"));
        var conversations = reader.Read().ToList();
        Assert.That(reader.Format, Is.EqualTo(ChatFormat.Dolly));
        Assert.That(conversations[0].Turns[0].Text, Is.EqualTo("When did Virgin Australia start operating?\n\nVirgin Australia commenced services on 31 August 2000."));
        Assert.That(conversations[0].Metadata["category"], Is.EqualTo("closed_qa"));
        Assert.That(conversations[1].Turns[0].Text, Is.EqualTo("Which is a species of fish? Tope or Rope"));
        Assert.That(reader.Report.ConversationsProduced, Is.EqualTo(2));
    }

    [Test]
    public void ShareGptMapsRolesAndKeepsIds()
    {
        var conversations = Read(ChatTestData.Path("chat", "sharegpt.json"));
        Assert.That(conversations[0].SourceId, Is.EqualTo("conv-1"));
        Assert.That(conversations[0].Turns.Select(t => t.Role), Is.EqualTo(new[] { ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User, ChatRole.Assistant }));
        Assert.That(conversations[0].Turns[4].Text, Is.EqualTo("6"));
        Assert.That(conversations[1].SourceId, Is.EqualTo("sharegpt.json#2"));
    }

    [Test]
    public void OpenAssistantMessages()
    {
        var conversations = Read(ChatTestData.Path("chat", "openassistant.jsonl"));
        Assert.That(conversations, Has.Count.EqualTo(2));
        Assert.That(conversations[1].Turns.Select(t => t.Role), Is.EqualTo(new[] { ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User, ChatRole.Assistant }));
        Assert.That(conversations[1].Turns[^1].Text, Is.EqualTo("Goodbye!"));
    }

    [TestCase("alpaca.json", ChatFormat.Alpaca)]
    [TestCase("dolly.jsonl", ChatFormat.Dolly)]
    [TestCase("sharegpt.json", ChatFormat.ShareGpt)]
    [TestCase("openassistant.jsonl", ChatFormat.OpenAssistant)]
    public void DetectsTheFormat(string file, ChatFormat expected)
        => Assert.That(ChatFormatDetector.Detect(ChatTestData.Path("chat", file)), Is.EqualTo(expected));

    [Test]
    public void GzipIsReadTransparently()
    {
        using var dir = new ScratchDirectory();
        var gz = dir.File("dolly.jsonl.gz");
        using (var output = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
            output.Write(File.ReadAllBytes(ChatTestData.Path("chat", "dolly.jsonl")));
        Assert.That(Read(gz).Select(c => c.Turns[1].Text), Is.EqualTo(new[] { "On 31 August 2000.", "Tope" }));
    }

    [Test]
    public void ByteOrderMarkIsIgnored()
    {
        using var dir = new ScratchDirectory();
        var list = dir.File("bom.json");
        File.WriteAllText(list, "[{\"instruction\": \"a\", \"output\": \"b\"}]", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        var lines = dir.File("bom.jsonl");
        File.WriteAllText(lines, "{\"instruction\": \"a\", \"output\": \"b\"}\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.That(File.ReadAllBytes(list)[0], Is.EqualTo(0xEF));
        Assert.That(Read(list).Single().Turns[1].Text, Is.EqualTo("b"));
        Assert.That(Read(lines).Single().Turns[1].Text, Is.EqualTo("b"));
    }

    [Test]
    public void LargeJsonListIsStreamedAcrossBufferRefills()
    {
        using var dir = new ScratchDirectory();
        var records = Enumerable.Range(0, 400).Select(i => new { instruction = $"Task {i}", input = new string('x', i * 3), output = $"Answer {i} " + new string('é', 700) }).ToList();
        records.Add(new { instruction = "big", input = new string('y', 200_000), output = "done" }); // larger than the read buffer
        var path = dir.Write("big.json", JsonSerializer.Serialize(records));
        var conversations = Read(path);
        Assert.That(conversations, Has.Count.EqualTo(401));
        Assert.That(conversations[399].Turns[0].Text, Is.EqualTo("Task 399\n\n" + new string('x', 1197)));
        Assert.That(conversations[400].Turns[0].Text, Has.Length.EqualTo(3 + 2 + 200_000));
        Assert.That(conversations[400].SourceId, Is.EqualTo("big.json#401"));
    }

    [Test]
    public void Gsm8kAsAlpacaJsonlOnRealData()
    {
        using var dir = new ScratchDirectory();
        var lines = File.ReadLines(ChatTestData.Path("gsm8k", "train-200.jsonl")).Select(line =>
        {
            using var doc = JsonDocument.Parse(line);
            return JsonSerializer.Serialize(new { instruction = doc.RootElement.GetProperty("question").GetString(), input = "", output = doc.RootElement.GetProperty("answer").GetString() });
        });
        var path = dir.Write("gsm8k-alpaca.jsonl", string.Join("\n", lines));
        var conversations = Read(path);
        Assert.That(conversations, Has.Count.EqualTo(200));
        Assert.That(conversations[0].Turns[0].Text, Does.StartWith("Natalia sold clips to 48 of her friends in April"));
        Assert.That(conversations[0].Turns[1].Text, Does.EndWith("#### 72"));
        Assert.That(conversations.All(c => c.Turns[1].Text.Contains("#### ")), Is.True);
    }

    [Test]
    public void AlpacaSeedTasksAsShareGptOnRealData()
    {
        // Each seed task becomes a ShareGPT conversation: one user/assistant exchange per instance.
        using var dir = new ScratchDirectory();
        var records = File.ReadLines(ChatTestData.Path("alpaca-seed", "seed_tasks.jsonl")).Select(line =>
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var turns = root.GetProperty("instances").EnumerateArray().SelectMany(instance => new[]
            {
                new { from = "human", value = root.GetProperty("instruction").GetString()! + (instance.GetProperty("input").GetString() is { Length: > 0 } input ? "\n\n" + input : "") },
                new { from = "gpt", value = instance.GetProperty("output").GetString()! },
            });
            return new { id = root.GetProperty("id").GetString(), conversations = turns.ToList() };
        }).ToList();
        var path = dir.Write("seed.json", JsonSerializer.Serialize(records));
        var conversations = Read(path);
        Assert.That(conversations, Has.Count.EqualTo(175));
        Assert.That(conversations[0].SourceId, Is.EqualTo("seed_task_0"));
        Assert.That(conversations[0].Turns[0].Text, Does.StartWith("Is there anything I can eat for a breakfast"));
        Assert.That(conversations.Sum(c => c.Turns.Count), Is.EqualTo(2 * records.Sum(r => r.conversations.Count / 2)));
    }

    [Test]
    public void FullGsm8kFromSharedDataWhenPresent()
    {
        var shared = ChatTestData.Shared("gsm8k", "train.jsonl");
        if (shared is null)
            Assert.Ignore("../shared/data is not available");
        // The raw GSM8K rows are detected as GSM8K and read directly.
        Assert.That(ChatFormatDetector.Detect(shared!), Is.EqualTo(ChatFormat.Gsm8k));
        Assert.That(Read(shared!), Has.Count.EqualTo(7_473));
        var unknown = new ScratchDirectory();
        var error = Assert.Throws<TrmDataException>(() => ChatFormatDetector.Detect(unknown.Write("q.jsonl", "{\"question\":\"q\",\"reply\":\"a\"}\n")));
        Assert.That(error!.Message, Is.EqualTo($"{unknown.File("q.jsonl")}:1: cannot detect the chat format from the first record (fields: question, reply); give the format explicitly"));
        unknown.Dispose();

        // converted on the fly to an Alpaca JSON list: all 7,473 problems come back, answers ending with "#### <number>"
        using var dir = new ScratchDirectory();
        var records = File.ReadLines(shared!).Select(line =>
        {
            using var doc = JsonDocument.Parse(line);
            return new { instruction = doc.RootElement.GetProperty("question").GetString(), output = doc.RootElement.GetProperty("answer").GetString() };
        });
        var path = dir.Write("gsm8k.json", JsonSerializer.Serialize(records));
        var conversations = Read(path);
        Assert.That(conversations, Has.Count.EqualTo(7_473));
        Assert.That(conversations.All(c => System.Text.RegularExpressions.Regex.IsMatch(c.Turns[1].Text, @"#### -?[\d,.]+$")), Is.True);
    }
}
