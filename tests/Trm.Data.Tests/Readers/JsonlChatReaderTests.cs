using Trm.Data.Chat;
using Trm.Data.Readers;
using Trm.Data.Tests.Support;
using Trm.Tokenization.Chat;

namespace Trm.Data.Tests.Readers;

public class JsonlChatReaderTests
{
    private static List<Conversation> Read(string path, ReasoningTraces traces = ReasoningTraces.Think, ChatFormat format = ChatFormat.Auto)
        => new ChatFileReader(path, new ChatReaderOptions { Format = format, Reasoning = traces }).Read().ToList();

    [Test]
    public void ReadsMessageObjectsAndBareListsWithTheirTraces()
    {
        var reader = new ChatFileReader(ChatTestData.Path("chat", "jsonl_chat.jsonl"));
        var conversations = reader.Read().ToList();
        Assert.That(reader.Format, Is.EqualTo(ChatFormat.JsonlChat)); // detected from the reasoning field
        Assert.That(conversations, Has.Count.EqualTo(3));
        Assert.That(conversations[0].Turns, Is.EqualTo(new[] { new ChatTurn(ChatRole.User, "What is 12 + 30?"), new ChatTurn(ChatRole.Assistant, "42") { Reasoning = "12 + 30 = 42." } }));
        Assert.That(conversations[0].SourceId, Is.EqualTo("add-1"));
        Assert.That(conversations[1].Turns.Select(t => t.Role), Is.EqualTo(new[] { ChatRole.System, ChatRole.User, ChatRole.Assistant }));
        Assert.That(conversations[1].Turns[2].Reasoning, Is.Null);
        Assert.That(conversations[1].SourceId, Is.EqualTo("jsonl_chat.jsonl:2"));
        Assert.That(conversations[2].Turns[1], Is.EqualTo(new ChatTurn(ChatRole.Assistant, "cba") { Reasoning = "c, b, a" }));
        Assert.That(conversations[2].SourceId, Is.EqualTo("jsonl_chat.jsonl:4"));
        Assert.That((reader.Report.RecordsRead, reader.Report.ConversationsProduced), Is.EqualTo((3, 3)));
    }

    [Test]
    public void PlainAndDropRenderings()
    {
        var plain = Read(ChatTestData.Path("chat", "jsonl_chat.jsonl"), ReasoningTraces.Plain);
        Assert.That(plain[0].Turns[1], Is.EqualTo(new ChatTurn(ChatRole.Assistant, "12 + 30 = 42.\n\n42")));
        Assert.That(plain[2].Turns[1], Is.EqualTo(new ChatTurn(ChatRole.Assistant, "c, b, a\n\ncba")));
        var dropped = Read(ChatTestData.Path("chat", "jsonl_chat.jsonl"), ReasoningTraces.Drop);
        Assert.That(dropped[0].Turns[1], Is.EqualTo(new ChatTurn(ChatRole.Assistant, "42")));
        Assert.That(dropped[2].Turns[1], Is.EqualTo(new ChatTurn(ChatRole.Assistant, "cba")));
    }

    [Test]
    public void NanochatCustomJsonFile_OneListPerLine_IsDetected()
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("identity.jsonl",
            "[{\"role\":\"user\",\"content\":\"Who are you?\"},{\"role\":\"assistant\",\"content\":\"A tiny model.\"}]\n" +
            "[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello\"}]\n");
        var reader = new ChatFileReader(path);
        var conversations = reader.Read().ToList();
        Assert.That(reader.Format, Is.EqualTo(ChatFormat.JsonlChat));
        Assert.That(conversations.Select(c => c.Turns[1].Text), Is.EqualTo(new[] { "A tiny model.", "Hello" }));
        Assert.That(conversations[1].SourceId, Is.EqualTo("identity.jsonl:2"));
    }

    [Test]
    public void PlainMessagesFile_StaysOpenAssistant()
    {
        var reader = new ChatFileReader(ChatTestData.Path("chat", "openassistant.jsonl"));
        _ = reader.Read().ToList();
        Assert.That(reader.Format, Is.EqualTo(ChatFormat.OpenAssistant));
        Assert.That(Read(ChatTestData.Path("chat", "openassistant.jsonl"), format: ChatFormat.JsonlChat), Has.Count.EqualTo(reader.Report.ConversationsProduced));
    }

    [TestCase("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"robot\",\"content\":\"a\"}]}", "c.jsonl:1: field 'messages[1].role': unknown role 'robot'")]
    [TestCase("{\"messages\":[{\"role\":\"user\",\"content\":\"q\",\"reasoning\":\"r\"},{\"role\":\"assistant\",\"content\":\"a\"}]}", "c.jsonl:1: field 'messages[0].reasoning': only assistant messages may carry a reasoning trace")]
    [TestCase("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\",\"reasoning\":3}]}", "c.jsonl:1: field 'messages[1].reasoning': must be a string, found number")]
    [TestCase("[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\"}]", "c.jsonl:1: field '[1].content': is missing")]
    [TestCase("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}", "c.jsonl:1: field 'messages': has no assistant turn")]
    [TestCase("\"text\"", "c.jsonl:1: must be an object with 'messages' or a list of messages, found string")]
    public void MalformedRecords_NameFileLineAndField(string line, string message)
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("c.jsonl", line + "\n");
        var error = Assert.Throws<TrmDataException>(() => Read(path, format: ChatFormat.JsonlChat));
        Assert.That(error!.Message, Is.EqualTo(path[..^"c.jsonl".Length] + message));
    }
}
