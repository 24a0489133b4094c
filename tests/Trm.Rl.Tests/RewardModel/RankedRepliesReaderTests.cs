using System.IO.Compression;
using Trm.Data;
using Trm.Rl.RewardModel;
using Trm.Tokenization.Chat;

namespace Trm.Rl.Tests.RewardModel;

public class RankedRepliesReaderTests
{
    // Tree t1 (ready, English): prompt P1 with four assistant replies ranked 2, 0, 1 plus one deleted (rank 3) and one
    // that failed review; the best reply has a follow-up prompt P2 with two ranked replies. Tree t2 is still growing,
    // tree t3 is German: both are filtered out. A single-reply prompt (t4) makes no group.
    private const string Trees = """
        {"message_tree_id":"t1","tree_state":"ready_for_export","prompt":{"message_id":"p1","role":"prompter","text":"P1","lang":"en","replies":[{"message_id":"a1","role":"assistant","text":"third","lang":"en","rank":2},{"message_id":"a2","role":"assistant","text":"first","lang":"en","rank":0,"replies":[{"message_id":"p2","role":"prompter","text":"P2","lang":"en","replies":[{"message_id":"b1","role":"assistant","text":"worse","lang":"en","rank":1},{"message_id":"b2","role":"assistant","text":"better","lang":"en","rank":0}]}]},{"message_id":"a3","role":"assistant","text":"second","lang":"en","rank":1},{"message_id":"a4","role":"assistant","text":"deleted","lang":"en","rank":3,"deleted":true},{"message_id":"a5","role":"assistant","text":"rejected","lang":"en","rank":4,"review_result":false}]}}
        {"message_tree_id":"t2","tree_state":"growing","prompt":{"message_id":"q1","role":"prompter","text":"Q","lang":"en","replies":[{"message_id":"c1","role":"assistant","text":"x","lang":"en","rank":0},{"message_id":"c2","role":"assistant","text":"y","lang":"en","rank":1}]}}
        {"message_tree_id":"t3","tree_state":"ready_for_export","prompt":{"message_id":"r1","role":"prompter","text":"R","lang":"de","replies":[{"message_id":"d1","role":"assistant","text":"ja","lang":"de","rank":0},{"message_id":"d2","role":"assistant","text":"nein","lang":"de","rank":1}]}}
        {"message_tree_id":"t4","tree_state":"ready_for_export","prompt":{"message_id":"s1","role":"prompter","text":"S","lang":"en","replies":[{"message_id":"e1","role":"assistant","text":"only","lang":"en","rank":0}]}}
        """;

    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("trm-rl-reader-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void OasstTreesAreFilteredAndRepliesSortedByRank()
    {
        var path = Path.Combine(_dir, "trees.jsonl");
        File.WriteAllText(path, Trees);
        var groups = RankedRepliesReader.Read(path);
        Assert.That(groups, Has.Count.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(groups[0].Context.Turns.Select(t => t.Text), Is.EqualTo(new[] { "P1" }));
            Assert.That(groups[0].Replies.Select(r => r.Text), Is.EqualTo(new[] { "first", "second", "third" }));
            Assert.That(groups[0].Replies.Select(r => r.Rank), Is.EqualTo(new int?[] { 0, 1, 2 }));
            Assert.That(groups[1].Context.Turns.Select(t => t.Text), Is.EqualTo(new[] { "P1", "first", "P2" }));
            Assert.That(groups[1].Replies.Select(r => r.Text), Is.EqualTo(new[] { "better", "worse" }));
            Assert.That(groups.Select(RewardDataSplit.GroupOf), Is.All.EqualTo("t1"));
        });
    }

    [Test]
    public void GzipExportReadsTheSame()
    {
        var path = Path.Combine(_dir, "trees.jsonl.gz");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        using (var writer = new StreamWriter(gzip))
            writer.Write(Trees);
        Assert.That(RankedRepliesReader.Read(path).Select(g => g.Replies.Count), Is.EqualTo(new[] { 3, 2 }));
    }

    [Test]
    public void RankedPairsJsonlReadsPromptsRepliesAndPairs()
    {
        var path = Path.Combine(_dir, "pairs.jsonl");
        File.WriteAllText(path, """
            {"prompt":"Hi","replies":["b","a","c"],"ranks":[1,0,2],"group":"g1"}
            {"messages":[{"role":"user","content":"U"},{"role":"assistant","content":"A"},{"role":"user","content":"V"}],"chosen":"good","rejected":"bad"}
            """);
        var groups = RankedRepliesReader.Read(path);
        Assert.Multiple(() =>
        {
            Assert.That(groups[0].Replies.Select(r => r.Text), Is.EqualTo(new[] { "a", "b", "c" }));
            Assert.That(RewardDataSplit.GroupOf(groups[0]), Is.EqualTo("g1"));
            Assert.That(groups[1].Context.Turns.Select(t => t.Role), Is.EqualTo(new[] { ChatRole.User, ChatRole.Assistant, ChatRole.User }));
            Assert.That(groups[1].Replies.Select(r => r.Text), Is.EqualTo(new[] { "good", "bad" }));
            Assert.That(groups[1].Pairs().Count(), Is.EqualTo(1));
        });
    }

    [Test]
    public void MalformedRecordNamesFileLineAndField()
    {
        var path = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllText(path, "{\"prompt\":\"ok\",\"replies\":[\"a\",\"b\"]}\n{\"prompt\":\"x\",\"replies\":[\"a\",3]}\n");
        var error = Assert.Throws<TrmDataException>(() => RankedRepliesReader.Read(path));
        Assert.Multiple(() =>
        {
            Assert.That(error!.Line, Is.EqualTo(2));
            Assert.That(error.Field, Is.EqualTo("replies[1]"));
            Assert.That(error.Message, Does.Contain("bad.jsonl"));
        });
    }

    [Test]
    public void SplitKeepsEachGroupOnOneSide()
    {
        var path = Path.Combine(_dir, "pairs.jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, 40).Select(i => $"{{\"prompt\":\"p{i}\",\"replies\":[\"a\",\"b\"],\"group\":\"g{i % 10}\"}}"));
        var (train, validation) = RewardDataSplit.ByGroup(RankedRepliesReader.Read(path), 0.2, seed: 3);
        var trainGroups = train.Select(RewardDataSplit.GroupOf).ToHashSet();
        var heldGroups = validation.Select(RewardDataSplit.GroupOf).ToHashSet();
        Assert.Multiple(() =>
        {
            Assert.That(heldGroups, Has.Count.EqualTo(2));
            Assert.That(trainGroups, Has.Count.EqualTo(8));
            Assert.That(trainGroups.Overlaps(heldGroups), Is.False);
            Assert.That(train.Count + validation.Count, Is.EqualTo(40));
        });
    }
}
