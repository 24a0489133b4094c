using Trm.Data.Chat;
using Trm.Data.Readers;
using Trm.Data.Tests.Support;

namespace Trm.Data.Tests.Readers;

/// <summary>A record larger than the limit (16 Mi characters) is an error naming it, not an unbounded allocation.</summary>
public class HugeRecordTests
{
    private const string Good = """{"instruction": "a", "input": "", "output": "b"}""";

    private static string Huge => new('x', JsonRecordSourceLimit + 10);

    private const int JsonRecordSourceLimit = 16 << 20;

    [Test]
    public void AJsonlLineLongerThanTheLimitIsRefused()
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("huge.jsonl", Good + "\n{\"instruction\": \"" + Huge);
        var error = Assert.Throws<TrmDataException>(() => new ChatFileReader(path, new ChatReaderOptions { Format = ChatFormat.Alpaca }).Read().ToList())!;
        Assert.That(error.Message, Does.StartWith($"{path}:2: line is longer than "));
    }

    [Test]
    public void AJsonListElementLongerThanTheLimitIsRefused()
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("huge.json", "[" + Good + ",\n{\"instruction\": \"" + Huge + "\"}]");
        var error = Assert.Throws<TrmDataException>(() => new ChatFileReader(path, new ChatReaderOptions { Format = ChatFormat.Alpaca }).Read().ToList())!;
        Assert.That(error.Message, Does.StartWith($"{path}:2: record 2: list element is longer than "));
    }

    [Test]
    public void LinesAreSplitAtLineFeedsAndLoseTheirCarriageReturn()
    {
        var lines = BoundedLineReader.Read(new StringReader("a\r\n\nb\nc"), "f", maxChars: 4).ToList();
        Assert.That(lines, Is.EqualTo(new[] { "a", "", "b", "c" }));
        var error = Assert.Throws<TrmDataException>(() => BoundedLineReader.Read(new StringReader("ab\nabcde\n"), "f", maxChars: 4).ToList())!;
        Assert.That(error.Message, Does.StartWith("f:2: line is longer than 4 characters"));
    }
}
