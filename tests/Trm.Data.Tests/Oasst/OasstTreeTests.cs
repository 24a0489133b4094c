using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using Trm.Data.Chat;
using Trm.Data.Oasst;
using Trm.Data.Readers;
using Trm.Data.Tests.Support;
using Trm.Tokenization.Chat;

namespace Trm.Data.Tests.Oasst;

public class OasstTreeTests
{
    // P1 "What is 2+2?"
    // ├─ A1 rank 1 "Four." ── P2 "Are you sure?" ── A3 rank 0 "Yes."
    // ├─ A2 rank 0 "4" ─┬─ P3 "Why?" ─┬─ A4 rank 1 "Because."
    // │                 │             ├─ A5 rank 0 "2+2 is 4 by addition."
    // │                 │             └─ A6 deleted "deleted reply"
    // │                 └─ P4 lang de "Warum?"
    // └─ A7 rank 2 synthetic "fake"
    private static readonly (string Id, string? Parent, string Role, string Text, int? Rank, string Lang, bool Deleted, bool Synthetic)[] Messages =
    [
        ("P1", null, "prompter", "What is 2+2?", null, "en", false, false),
        ("A1", "P1", "assistant", "Four.", 1, "en", false, false),
        ("P2", "A1", "prompter", "Are you sure?", null, "en", false, false),
        ("A3", "P2", "assistant", "Yes.", 0, "en", false, false),
        ("A2", "P1", "assistant", "4", 0, "en", false, false),
        ("P3", "A2", "prompter", "Why?", null, "en", false, false),
        ("A4", "P3", "assistant", "Because.", 1, "en", false, false),
        ("A5", "P3", "assistant", "2+2 is 4 by addition.", 0, "en", false, false),
        ("A6", "P3", "assistant", "deleted reply", null, "en", true, false),
        ("P4", "A2", "prompter", "Warum?", null, "de", false, false),
        ("A7", "P1", "assistant", "fake", 2, "en", false, true),
    ];

    private static JsonObject Fields((string Id, string? Parent, string Role, string Text, int? Rank, string Lang, bool Deleted, bool Synthetic) m) => new()
    {
        ["message_id"] = m.Id, ["role"] = m.Role, ["text"] = m.Text, ["rank"] = m.Rank, ["lang"] = m.Lang,
        ["deleted"] = m.Deleted, ["synthetic"] = m.Synthetic, ["review_result"] = true,
    };

    private static string NestedTree(string state = "ready_for_export")
    {
        JsonObject Node(string id)
        {
            var node = Fields(Messages.Single(m => m.Id == id));
            node["replies"] = new JsonArray(Messages.Where(m => m.Parent == id).Select(m => (JsonNode)Node(m.Id)).ToArray());
            return node;
        }
        return new JsonObject { ["message_tree_id"] = "tree-1", ["tree_state"] = state, ["prompt"] = Node("P1") }.ToJsonString();
    }

    private static string FlatRows()
    {
        // children before parents, to prove the rebuild does not depend on row order
        return string.Join("\n", Messages.Reverse().Select(m =>
        {
            var row = Fields(m);
            row["parent_id"] = m.Parent;
            row["message_tree_id"] = "tree-1";
            row["tree_state"] = "ready_for_export";
            return row.ToJsonString();
        }));
    }

    private static IEnumerable<string[]> Threads(string path, OasstOptions options)
        => new ChatFileReader(path, new ChatReaderOptions { Oasst = options }).Read().Select(c => c.Turns.Select(t => t.MessageId!).ToArray());

    [Test]
    public void BestRankedPathFollowsRankZero()
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("trees.jsonl", NestedTree());
        var thread = new ChatFileReader(path).Read().Single();
        Assert.That(thread.Turns.Select(t => t.MessageId), Is.EqualTo(new[] { "P1", "A2", "P3", "A5" }));
        Assert.That(thread.Turns.Select(t => t.Role), Is.EqualTo(new[] { ChatRole.User, ChatRole.Assistant, ChatRole.User, ChatRole.Assistant }));
        Assert.That(thread.Turns[3].Rank, Is.EqualTo(0));
        Assert.That(thread.Metadata["message_tree_id"], Is.EqualTo("tree-1"));
        Assert.That(thread.SourceId, Is.EqualTo("oasst:tree-1:A5"));
    }

    [Test]
    public void AllLeafPathsSkipDeletedAndSyntheticAndTrimTrailingPrompts()
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("trees.jsonl", NestedTree());
        var threads = Threads(path, new OasstOptions { ThreadMode = OasstThreadMode.AllLeaves }).ToList();
        Assert.That(threads, Is.EqualTo(new[]
        {
            new[] { "P1", "A1", "P2", "A3" },
            new[] { "P1", "A2", "P3", "A4" },
            new[] { "P1", "A2", "P3", "A5" },
            new[] { "P1", "A2" },
        }));
    }

    [Test]
    public void LanguageAndInclusionFilters()
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("trees.jsonl", NestedTree());
        Assert.That(Threads(path, new OasstOptions { ThreadMode = OasstThreadMode.AllLeaves, Languages = new HashSet<string> { "en" } }).Count(), Is.EqualTo(3));
        Assert.That(Threads(path, new OasstOptions { ThreadMode = OasstThreadMode.AllLeaves, IncludeSynthetic = true, IncludeDeleted = true }).Select(t => t[^1]),
            Is.EqualTo(new[] { "A3", "A4", "A5", "A6", "A2", "A7" }));
        Assert.That(Threads(path, new OasstOptions { Languages = new HashSet<string> { "fr" } }), Is.Empty);
    }

    [Test]
    public void TreesNotReadyForExportAreFilteredAndCounted()
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("trees.jsonl", NestedTree("growing") + "\n" + NestedTree());
        var reader = new ChatFileReader(path);
        Assert.That(reader.Read().Count(), Is.EqualTo(1));
        Assert.That(reader.Report.Filtered, Is.EqualTo(1));
    }

    [Test]
    public void FlatRowsInAnyOrderRebuildTheSameTree()
    {
        using var dir = new ScratchDirectory();
        var nested = dir.Write("trees.jsonl", NestedTree());
        var flat = dir.Write("messages.jsonl", FlatRows());
        var options = new OasstOptions { ThreadMode = OasstThreadMode.AllLeaves };
        Assert.That(Threads(flat, options).Select(t => string.Join(">", t)).Order(), Is.EqualTo(Threads(nested, options).Select(t => string.Join(">", t)).Order()));
        Assert.That(ChatFormatDetector.Detect(flat), Is.EqualTo(ChatFormat.Oasst));
    }

    [Test]
    public void GzippedExportIsReadTransparently()
    {
        using var dir = new ScratchDirectory();
        var gz = dir.File("trees.jsonl.gz");
        using (var output = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
            output.Write(System.Text.Encoding.UTF8.GetBytes(NestedTree() + "\n"));
        Assert.That(Threads(gz, new OasstOptions()).Single(), Is.EqualTo(new[] { "P1", "A2", "P3", "A5" }));
    }

    [Test]
    public void RankedSiblingSetsForRewardModelling()
    {
        using var dir = new ScratchDirectory();
        var path = dir.Write("trees.jsonl", NestedTree());
        var tree = OasstTreeReader.ReadTrees(path, new ReadReport()).Single();
        var sets = OasstThreads.Ranked(tree, new OasstOptions()).ToList();

        Assert.That(sets, Has.Count.EqualTo(2));
        Assert.That(sets[0].Context.Turns.Select(t => t.MessageId), Is.EqualTo(new[] { "P1" }));
        Assert.That(sets[0].Replies.Select(r => r.MessageId), Is.EqualTo(new[] { "A2", "A1" }));
        Assert.That(sets[1].Context.Turns.Select(t => t.MessageId), Is.EqualTo(new[] { "P1", "A2", "P3" }));
        Assert.That(sets[1].Replies.Select(r => (r.MessageId, r.Rank)), Is.EqualTo(new[] { ("A5", (int?)0), ("A4", (int?)1) }));
        Assert.That(sets[1].Pairs().Select(p => (p.Chosen.Text, p.Rejected.Text)), Is.EqualTo(new[] { ("2+2 is 4 by addition.", "Because.") }));

        var withSynthetic = OasstThreads.Ranked(tree, new OasstOptions { IncludeSynthetic = true }).First();
        Assert.That(withSynthetic.Replies.Select(r => r.MessageId), Is.EqualTo(new[] { "A2", "A1", "A7" }));
        Assert.That(withSynthetic.Pairs().Count(), Is.EqualTo(3));
    }
}
