using System.Text.Json;
using Trm.Core.IO;

namespace Trm.Rl.RewardModel;

/// <summary>
/// Writes an Open-Assistant-format tree file with a learnable preference, for demonstrations and tests of reward-model
/// training: each tree is a prompt ("Tell me about the {topic}.") with 3 or 4 assistant replies of <see cref="WordsPerReply"/>
/// words, each word drawn from a kind list (<c>good, kind, nice…</c>) or an unkind one (<c>bad, rude, dull…</c>); a reply
/// with more kind words ranks better (rank 0 best; every reply of a tree has a different count). All replies have the same
/// number of words, so length says nothing about rank.
/// </summary>
public static class SyntheticPreferenceTrees
{
    /// <summary>Words per reply.</summary>
    public const int WordsPerReply = 6;

    private static readonly string[] Kind = ["good", "kind", "nice", "warm", "fair", "calm"];
    private static readonly string[] Unkind = ["bad", "rude", "dull", "cold", "grim", "mean"];
    private static readonly string[] Topics = ["sea", "moon", "city", "forest", "river", "desert", "garden", "market", "winter", "music"];

    /// <summary>Writes <paramref name="trees"/> trees to <paramref name="path"/> (JSONL, atomically).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="trees">Number of trees (one prompt each).</param>
    /// <param name="seed">Seed of the draw.</param>
    public static void Write(string path, int trees, int seed)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trees);
        var random = new Random(seed);
        var lines = new List<string>(trees);
        for (var t = 0; t < trees; t++)
        {
            var replyCount = random.Next(3, 5);
            var counts = Enumerable.Range(0, WordsPerReply + 1).OrderBy(_ => random.Next()).Take(replyCount).ToArray();
            var order = counts.OrderByDescending(c => c).ToList(); // rank 0 = most kind words
            var replies = counts.Select((kind, i) => new Dictionary<string, object>
            {
                ["message_id"] = $"t{t}-a{i}",
                ["role"] = "assistant",
                ["text"] = Reply(random, kind),
                ["lang"] = "en",
                ["rank"] = order.IndexOf(kind),
            }).ToList();
            var tree = new Dictionary<string, object>
            {
                ["message_tree_id"] = $"t{t}",
                ["tree_state"] = "ready_for_export",
                ["prompt"] = new Dictionary<string, object>
                {
                    ["message_id"] = $"t{t}-p",
                    ["role"] = "prompter",
                    ["text"] = $"Tell me about the {Topics[random.Next(Topics.Length)]}.",
                    ["lang"] = "en",
                    ["replies"] = replies,
                },
            };
            lines.Add(JsonSerializer.Serialize(tree));
        }
        AtomicFile.WriteAllText(path, string.Join('\n', lines) + "\n");
    }

    private static string Reply(Random random, int kindWords)
    {
        var words = Enumerable.Range(0, WordsPerReply)
            .Select(i => i < kindWords ? Kind[random.Next(Kind.Length)] : Unkind[random.Next(Unkind.Length)])
            .OrderBy(_ => random.Next())
            .ToArray();
        return "It is " + string.Join(' ', words) + ".";
    }
}
