using Trm.Data.Chat;
using Trm.Data.Readers;
using Trm.Data.Tests.Support;
using Trm.Tokenization.Chat;

namespace Trm.Data.Tests.Readers;

/// <summary>GSM8K's first training problem: "Natalia sold 48/2 = &lt;&lt;48/2=24&gt;&gt;24 clips in May. …  #### 72".</summary>
public class Gsm8kReaderTests
{
    private const string Solution = "Natalia sold 48/2 = 24 clips in May.\nNatalia sold 48+24 = 72 clips altogether in April and May.";

    private static ChatFileReader Reader(ReasoningTraces traces) => new(ChatTestData.Path("gsm8k", "train-200.jsonl"), new ChatReaderOptions { Reasoning = traces });

    [Test]
    public void Think_SolutionIsTheTraceAndTheFinalAnswerTheReply()
    {
        var reader = Reader(ReasoningTraces.Think);
        var conversations = reader.Read().ToList();
        Assert.That(reader.Format, Is.EqualTo(ChatFormat.Gsm8k));
        Assert.That(conversations, Has.Count.EqualTo(200));
        Assert.That(conversations[0].Turns[0].Text, Does.StartWith("Natalia sold clips to 48 of her friends in April"));
        Assert.That(conversations[0].Turns[1], Is.EqualTo(new ChatTurn(ChatRole.Assistant, "#### 72") { Reasoning = Solution }));
        Assert.That(conversations[1].Turns[1].Text, Is.EqualTo("#### 10"));
        Assert.That(conversations[1].SourceId, Is.EqualTo("train-200.jsonl:2"));
    }

    [Test]
    public void PlainAndDropRenderings()
    {
        Assert.That(Reader(ReasoningTraces.Plain).Read().First().Turns[1], Is.EqualTo(new ChatTurn(ChatRole.Assistant, Solution + "\n#### 72")));
        Assert.That(Reader(ReasoningTraces.Drop).Read().First().Turns[1], Is.EqualTo(new ChatTurn(ChatRole.Assistant, "#### 72")));
    }

    [TestCase("{\"question\":\"q\",\"answer\":\"no marker\"}", "g.jsonl:1: field 'answer': has no '#### <final answer>' line")]
    [TestCase("{\"question\":\"q\",\"answer\":\"x\\n####  \"}", "g.jsonl:1: field 'answer': has no '#### <final answer>' line")]
    [TestCase("{\"question\":\"q\"}", "g.jsonl:1: field 'answer': is missing")]
    [TestCase("{\"question\":7,\"answer\":\"#### 1\"}", "g.jsonl:1: field 'question': must be a string, found number")]
    public void MalformedRecords(string line, string message)
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("g.jsonl", line + "\n");
        var error = Assert.Throws<TrmDataException>(() => new ChatFileReader(path, new ChatReaderOptions { Format = ChatFormat.Gsm8k }).Read().ToList());
        Assert.That(error!.Message, Is.EqualTo(path[..^"g.jsonl".Length] + message));
    }
}
