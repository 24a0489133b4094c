using Trm.Data.Chat;
using Trm.Data.Readers;
using Trm.Data.Tests.Support;

namespace Trm.Data.Tests.Readers;

public class MalformedRecordTests
{
    private const string Good = """{"instruction": "a", "input": "", "output": "b"}""";
    private const string Flat = """{"message_id": "a", "parent_id": null, "role": "prompter", "text": "q", "message_tree_id": "t"}""";

    // (file name, content, format, expected message with {file} for the full path)
    private static readonly object[] Cases =
    [
        new object[] { "a.jsonl", """{"instruction": "a", "input": ""}""", ChatFormat.Alpaca, "{file}:1: field 'output': is missing" },
        new object[] { "a.jsonl", Good + "\n" + """{"instruction": "a", "output": 3}""", ChatFormat.Alpaca, "{file}:2: field 'output': must be a string, found number" },
        new object[] { "a.jsonl", """{"instruction": "  ", "output": "b"}""", ChatFormat.Alpaca, "{file}:1: field 'instruction': is empty" },
        new object[] { "a.json", "[" + Good + ", 1]", ChatFormat.Alpaca, "{file}:1: record 2: must be an object, found number" },
        new object[] { "a.json", "[" + Good + ", {\"instr", ChatFormat.Alpaca, "{file}:1: record 2: unexpected end of file inside the JSON list" },
        new object[] { "a.json", """{"instruction": "a"}""", ChatFormat.Alpaca, "{file}:1: field 'output': is missing" },
        new object[] { "a.jsonl", Good + "\n\n" + """{"instruction": "a", "input": 7, "output": "b"}""", ChatFormat.Alpaca, "{file}:3: field 'input': must be a string, found number" },
        new object[] { "d.jsonl", """{"instruction": "a", "context": "", "response": null}""", ChatFormat.Dolly, "{file}:1: field 'response': is missing" },
        new object[] { "d.jsonl", """{"instruction": "a", "context": 5, "response": "b"}""", ChatFormat.Dolly, "{file}:1: field 'context': must be a string, found number" },
        new object[] { "d.jsonl", """{"instruction": "a", "response": "b", "category": ["x"]}""", ChatFormat.Dolly, "{file}:1: field 'category': must be a string, found list" },
        new object[] { "s.json", """[{"id": "x"}]""", ChatFormat.ShareGpt, "{file}:1: record 1: field 'conversations': is missing" },
        new object[] { "s.json", """[{"conversations": {"from": "human"}}]""", ChatFormat.ShareGpt, "{file}:1: record 1: field 'conversations': must be a list, found object" },
        new object[] { "s.json", """[{"conversations": []}]""", ChatFormat.ShareGpt, "{file}:1: record 1: field 'conversations': has no turns" },
        new object[] { "s.json", """[{"conversations": [{"from": "human", "value": "a"}, {"from": "robot", "value": "b"}]}]""", ChatFormat.ShareGpt, "{file}:1: record 1: field 'conversations[1].from': unknown role 'robot'" },
        new object[] { "s.json", """[{"conversations": ["hello"]}]""", ChatFormat.ShareGpt, "{file}:1: record 1: field 'conversations[0]': must be an object, found string" },
        new object[] { "s.json", """[{"conversations": [{"from": "human", "value": "a"}, {"from": "gpt"}]}]""", ChatFormat.ShareGpt, "{file}:1: record 1: field 'conversations[1].value': is missing" },
        new object[] { "s.json", """[{"conversations": [{"from": "human", "value": "a"}]}]""", ChatFormat.ShareGpt, "{file}:1: record 1: field 'conversations': has no assistant turn" },
        new object[] { "m.jsonl", """{"messages": [{"role": "user", "content": true}]}""", ChatFormat.OpenAssistant, "{file}:1: field 'messages[0].content': must be a string, found boolean" },
        new object[] { "o.jsonl", Flat + "\n" + """{"message_id": "b", "parent_id": "a", "role": "assistant", "text": "x", "rank": "x"}""", ChatFormat.Oasst, "{file}:2: field 'rank': must be an integer, found string \"x\"" },
        new object[] { "o.jsonl", Flat + "\n" + """{"message_id": "b", "parent_id": "zz", "role": "assistant", "text": "x"}""", ChatFormat.Oasst, "{file}:2: field 'parent_id': parent message 'zz' is not in the file" },
        new object[] { "o.jsonl", Flat + "\n" + Flat, ChatFormat.Oasst, "{file}:2: field 'message_id': duplicate message id 'a'" },
        new object[] { "o.jsonl", Flat + "\n" + """{"message_id": "b", "parent_id": "c", "role": "assistant", "text": "x"}""" + "\n" + """{"message_id": "c", "parent_id": "b", "role": "prompter", "text": "y"}""", ChatFormat.Oasst, "{file}:2: field 'parent_id': is not connected to a root message (an ancestor is missing, malformed or in a cycle)" },
        new object[] { "o.jsonl", """{"message_id": "a", "parent_id": null, "role": "bot", "text": "q"}""", ChatFormat.Oasst, "{file}:1: field 'role': unknown role 'bot' (expected prompter or assistant)" },
        new object[] { "o.jsonl", Flat + "\n" + """{"message_id": "b", "parent_id": "a", "role": "prompter", "text": "x"}""", ChatFormat.Oasst, "{file}:2: field 'role': roles must alternate: 'prompter' cannot reply to 'prompter'" },
        new object[] { "o.jsonl", """{"message_id": "a", "role": "prompter", "text": "q"}""", ChatFormat.Oasst, "{file}:1: field 'parent_id': is missing (a flat OASST row needs parent_id; a nested tree needs prompt)" },
        new object[] { "o.jsonl", """{"message_id": "a", "parent_id": null, "role": "prompter", "text": "q", "deleted": "no"}""", ChatFormat.Oasst, "{file}:1: field 'deleted': must be true or false, found string" },
        new object[] { "t.jsonl", """{"message_tree_id": "t", "prompt": {"message_id": "a", "role": "prompter", "text": "q", "replies": [{"message_id": "b", "role": "assistant"}]}}""", ChatFormat.Oasst, "{file}:1: field 'prompt.replies[0].text': is missing" },
        new object[] { "t.jsonl", """{"message_tree_id": "t", "prompt": {"message_id": "a", "role": "assistant", "text": "q"}}""", ChatFormat.Oasst, "{file}:1: field 'prompt.role': a tree's root message must be a prompter message" },
        new object[] { "t.jsonl", """{"message_tree_id": "t", "prompt": {"message_id": "a", "role": "prompter", "text": "q", "replies": {"x": 1}}}""", ChatFormat.Oasst, "{file}:1: field 'prompt.replies': must be a list, found object" },
        new object[] { "u.jsonl", """{"foo": 1, "bar": 2}""", ChatFormat.Auto, "{file}:1: cannot detect the chat format from the first record (fields: foo, bar); give the format explicitly" },
        new object[] { "u.jsonl", "\n\n", ChatFormat.Auto, "{file}: cannot detect the chat format: the file has no JSON object record" },
    ];

    [TestCaseSource(nameof(Cases))]
    public void MalformedRecordThrowsNamingFileLineAndField(string name, string content, ChatFormat format, string expected)
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write(name, content);
        var error = Assert.Throws<TrmDataException>(() => new ChatFileReader(path, new ChatReaderOptions { Format = format }).Read().ToList());
        Assert.That(error!.Message, Is.EqualTo(expected.Replace("{file}", path)));
        Assert.That(error.File, Is.EqualTo(path));
    }

    [Test]
    public void InvalidJsonLineNamesTheLine()
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("a.jsonl", Good + "\n{\"instruction\": \"a\",, }\n");
        var error = Assert.Throws<TrmDataException>(() => new ChatFileReader(path, new ChatReaderOptions { Format = ChatFormat.Alpaca }).Read().ToList());
        Assert.That(error!.Message, Does.StartWith($"{path}:2: invalid JSON: "));
        Assert.That(error.Line, Is.EqualTo(2));
    }

    [Test]
    public void InvalidJsonInsideAListNamesTheRecord()
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("a.json", "[" + Good + ", " + Good + " " + Good + "]");
        var error = Assert.Throws<TrmDataException>(() => new ChatFileReader(path, new ChatReaderOptions { Format = ChatFormat.Alpaca }).Read().ToList());
        Assert.That(error!.Message, Does.StartWith($"{path}:1: record 3: invalid JSON in list element: "));
        Assert.That((error.Line, error.Record), Is.EqualTo(((long?)1, (long?)3)));
    }

    [Test]
    public void ErrorsInAPrettyPrintedListNameTheLineWhereTheRecordStarts()
    {
        using var dir = new ScratchDirectory();
        // record 1 on lines 2-6, record 2 starts on line 7 and its bad field is on line 9
        var path = dir.Write("pretty.json", "[\n  {\n    \"instruction\": \"a\",\n    \"input\": \"\",\n    \"output\": \"b\"\n  },\n  {\n    \"instruction\": \"c\",\n    \"output\": 7\n  }\n]\n");
        var error = Assert.Throws<TrmDataException>(() => new ChatFileReader(path, new ChatReaderOptions { Format = ChatFormat.Alpaca }).Read().ToList());
        Assert.That(error!.Message, Is.EqualTo($"{path}:7: record 2: field 'output': must be a string, found number"));

        var syntax = dir.Write("syntax.json", "[\n  {\"instruction\": \"a\", \"output\": \"b\"},\n\n  {\"instruction\": \"c\",\n   \"output\" \"d\"}\n]\n");
        error = Assert.Throws<TrmDataException>(() => new ChatFileReader(syntax, new ChatReaderOptions { Format = ChatFormat.Alpaca }).Read().ToList());
        Assert.That(error!.Message, Does.StartWith($"{syntax}:5: record 2: invalid JSON in list element: "));
    }

    [Test]
    public void MissingFileIsReported()
    {
        var error = Assert.Throws<TrmDataException>(() => new ChatFileReader("/nonexistent/x.json", new ChatReaderOptions { Format = ChatFormat.Alpaca }).Read().ToList());
        Assert.That(error!.Message, Is.EqualTo("/nonexistent/x.json: file not found"));
    }

    [Test]
    public void SkipPolicyCountsEverySkipWithItsLine()
    {
        using var dir = new ScratchDirectory();
        var lines = new[]
        {
            Good,
            """{"instruction": "a"}""",
            Good,
            "not json",
            Good,
            Good,
            """{"instruction": "", "output": "x"}""",
            Good,
        };
        var path = dir.Write("mixed.jsonl", string.Join("\n", lines));
        var reader = new ChatFileReader(path, new ChatReaderOptions { Format = ChatFormat.Alpaca, OnMalformed = MalformedRecordPolicy.Skip });

        var conversations = reader.Read().ToList();

        Assert.That(conversations, Has.Count.EqualTo(5));
        Assert.That(reader.Report.Skipped, Is.EqualTo(3));
        Assert.That(reader.Report.RecordsRead, Is.EqualTo(8));
        Assert.That(reader.Report.Skips.Select(s => s.Line), Is.EqualTo(new long?[] { 2, 4, 7 }));
        Assert.That(reader.Report.Skips.Select(s => s.Field), Is.EqualTo(new[] { "output", null, "instruction" }));
        Assert.That(reader.Report.ToString(), Does.StartWith("8 records read, 5 conversations, 3 malformed skipped, 0 filtered"));
        Assert.That(reader.Report.ToString(), Does.Contain($"skipped {path}:7: field 'instruction': is empty"));
    }

    [Test]
    public void SkipPolicyOnFlatOasstRowsSkipsTheBadRowsOnly()
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("o.jsonl", string.Join("\n",
            Flat,
            """{"message_id": "b", "parent_id": "a", "role": "assistant", "text": "fine", "message_tree_id": "t"}""",
            """{"message_id": "c", "parent_id": "a", "role": "robot", "text": "bad role", "message_tree_id": "t"}""",
            """{"message_id": "d", "parent_id": "gone", "role": "assistant", "text": "orphan", "message_tree_id": "t"}""",
            """{"message_id": "e", "parent_id": "d", "role": "prompter", "text": "below the orphan", "message_tree_id": "t"}"""));
        var reader = new ChatFileReader(path, new ChatReaderOptions { OnMalformed = MalformedRecordPolicy.Skip });

        var threads = reader.Read().ToList();

        Assert.That(threads.Single().Turns.Select(t => t.Text), Is.EqualTo(new[] { "q", "fine" }));
        Assert.That(reader.Report.Skipped, Is.EqualTo(3));
        Assert.That(reader.Report.Skips.Select(s => s.Line), Is.EqualTo(new long?[] { 3, 4, 5 }));
        Assert.That(reader.Report.Skips[2].Message, Is.EqualTo($"{path}:5: field 'parent_id': is not connected to a root message (an ancestor is missing, malformed or in a cycle)"));
    }
}
