using Trm.Data.Chat;
using Trm.Data.Readers;
using Trm.Data.Tests.Support;
using Trm.Tokenization.Chat;

namespace Trm.Data.Tests.Readers;

public class ParquetReaderTests
{
    [Test]
    public void MessagesColumn_ListOfStruct_ReadsAsJsonChat()
    {
        using var dir = new ScratchDirectory();
        var path = dir.File("train-00000-of-00001.parquet");
        ParquetTestFiles.WriteMessages(path,
            [("system", "Be brief."), ("user", "2+2?"), ("assistant", "<think>2+2=4</think>4")],
            [("user", "Hi"), ("assistant", "Hello!")]);
        var reader = new ChatFileReader(path);
        var conversations = reader.Read().ToList();
        Assert.That(reader.Format, Is.EqualTo(ChatFormat.JsonlChat)); // an inline think block makes it JSONL chat
        Assert.That(conversations[1].Turns, Is.EqualTo(new[] { new ChatTurn(ChatRole.User, "Hi"), new ChatTurn(ChatRole.Assistant, "Hello!") }));
        Assert.That(conversations[0].Turns[2], Is.EqualTo(new ChatTurn(ChatRole.Assistant, "4") { Reasoning = "2+2=4" }));
        Assert.That(conversations[1].SourceId, Is.EqualTo("train-00000-of-00001.parquet:2"));
        Assert.That((reader.Report.RecordsRead, reader.Report.ConversationsProduced), Is.EqualTo((2, 2)));

        var openAssistant = new ChatFileReader(path, new ChatReaderOptions { Format = ChatFormat.OpenAssistant }).Read().ToList();
        Assert.That(openAssistant[0].Turns[2].Text, Is.EqualTo("<think>2+2=4</think>4"));
    }

    [Test]
    public void FlatQuestionAnswerColumns_ReadAsGsm8k()
    {
        using var dir = new ScratchDirectory();
        var path = dir.File("gsm8k.parquet");
        ParquetTestFiles.WriteQuestionAnswer(path, ("What is 3*4?", "3*4 = <<3*4=12>>12\n#### 12"), ("1+1?", "#### 2"));
        var reader = new ChatFileReader(path);
        var conversations = reader.Read().ToList();
        Assert.That(reader.Format, Is.EqualTo(ChatFormat.Gsm8k));
        Assert.That(conversations[0].Turns, Is.EqualTo(new[] { new ChatTurn(ChatRole.User, "What is 3*4?"), new ChatTurn(ChatRole.Assistant, "#### 12") { Reasoning = "3*4 = 12" } }));
        Assert.That(conversations[1].Turns[1], Is.EqualTo(new ChatTurn(ChatRole.Assistant, "#### 2") { Reasoning = "" }));
    }

    [Test]
    public void MalformedRow_SameErrorsAsJson_NamingRowAndField()
    {
        using var dir = new ScratchDirectory();
        var path = dir.File("bad.parquet");
        ParquetTestFiles.WriteMessages(path, [("user", "Hi"), ("assistant", "Hello!")], [("user", "Hi"), ("robot", "Beep")], [("user", "Hi"), (null, "x")]);
        var error = Assert.Throws<TrmDataException>(() => new ChatFileReader(path, new ChatReaderOptions { Format = ChatFormat.OpenAssistant }).Read().ToList());
        Assert.That(error!.Message, Is.EqualTo($"{path}:2: field 'messages[1].role': unknown role 'robot'"));
        Assert.That((error.Line, error.Field), Is.EqualTo(((long?)2, "messages[1].role")));

        var reader = new ChatFileReader(path, new ChatReaderOptions { Format = ChatFormat.OpenAssistant, OnMalformed = MalformedRecordPolicy.Skip });
        Assert.That(reader.Read().Count(), Is.EqualTo(1));
        Assert.That(reader.Report.Skipped, Is.EqualTo(2));
        Assert.That(reader.Report.Skips[1].Message, Is.EqualTo($"{path}:3: field 'messages[1].role': is missing"));
    }

    [Test]
    public void TruncatedOrCorruptedFiles_AreTrmDataExceptions()
    {
        using var dir = new ScratchDirectory();
        var path = dir.File("whole.parquet");
        ParquetTestFiles.WriteQuestionAnswer(path, Enumerable.Range(0, 50).Select(i => ($"q{i}", $"s\n#### {i}")).ToArray());
        var bytes = File.ReadAllBytes(path);
        var random = new Random(11);
        for (var trial = 0; trial < 40; trial++)
        {
            var broken = (byte[])bytes.Clone();
            if (trial < 10)
                broken = broken[..(4 + random.Next(broken.Length - 8))];
            else
                for (var k = 0; k < 1 + trial % 5; k++)
                    broken[4 + random.Next(broken.Length - 8)] = (byte)random.Next(256);
            var file = dir.File($"broken{trial}.parquet");
            File.WriteAllBytes(file, broken);
            try
            {
                _ = new ChatFileReader(file, new ChatReaderOptions { Format = ChatFormat.Gsm8k, OnMalformed = MalformedRecordPolicy.Skip }).Read().Count();
            }
            catch (TrmDataException)
            {
            }
        }
        File.WriteAllBytes(dir.File("cut.parquet"), bytes[..(bytes.Length / 2)]);
        Assert.Throws<TrmDataException>(() => new ChatFileReader(dir.File("cut.parquet"), new ChatReaderOptions { Format = ChatFormat.Gsm8k }).Read().ToList());
    }

    [Test]
    public void BrokenFile_IsATrmDataException()
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("broken.parquet", "PAR1 this is not parquet at all PAR1");
        var error = Assert.Throws<TrmDataException>(() => new ChatFileReader(path, new ChatReaderOptions { Format = ChatFormat.OpenAssistant }).Read().ToList());
        Assert.That(error!.Message, Does.StartWith(path + ": not a readable Parquet file"));
    }
}
