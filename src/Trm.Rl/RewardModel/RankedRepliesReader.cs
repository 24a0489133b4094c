using System.Text.Json;
using Trm.Data;
using Trm.Data.Chat;
using Trm.Data.Oasst;
using Trm.Data.Readers;
using Trm.Tokenization.Chat;

namespace Trm.Rl.RewardModel;

/// <summary>
/// Reads ranked replies for reward-model training from a JSONL file (gzip or not). Two kinds of file are recognised by
/// their first record:
/// <list type="bullet">
/// <item>Open-Assistant exports (nested trees with <c>prompt</c> objects, or flat message rows with <c>message_id</c>):
/// trees filtered by <see cref="OasstOptions"/> (ready for export, review passed, no deleted or synthetic messages, the
/// languages asked), each prefix that ends with a prompter message with two or more ranked assistant replies, best first
/// (<see cref="OasstThreads.Ranked"/>).</item>
/// <item>Ranked-pairs JSONL, one prompt per line: <c>prompt</c> (a string) or <c>messages</c> (a list of
/// <c>{"role","content"}</c> ending with a user turn), then either <c>replies</c> (texts, best first; an optional
/// <c>ranks</c> list gives their ranks, lower is better) or <c>chosen</c> and <c>rejected</c>. An optional <c>group</c>
/// (or <c>id</c>) keeps related lines in the same split.</item>
/// </list>
/// </summary>
public static class RankedRepliesReader
{
    /// <summary>The metadata key that names the group (OASST tree) a prompt belongs to; splits keep groups whole.</summary>
    public const string GroupKey = "message_tree_id";

    /// <summary>Reads every ranked prompt of <paramref name="path"/>.</summary>
    /// <param name="path">A <c>.jsonl</c> or <c>.jsonl.gz</c> file.</param>
    /// <param name="oasst">Filters for Open-Assistant exports (default: English, ready for export, passed review).</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <exception cref="TrmDataException">A record is malformed (the message names the file, line and field).</exception>
    public static IReadOnlyList<RankedReplies> Read(string path, OasstOptions? oasst = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new TrmDataException("file not found", path, null, null);
        if (IsOasst(path))
        {
            var options = oasst ?? new OasstOptions { Languages = new HashSet<string>(StringComparer.Ordinal) { "en" } };
            var report = new ReadReport();
            return OasstTreeReader.ReadTrees(path, report, cancellationToken: cancellationToken)
                .SelectMany(tree => OasstThreads.Ranked(tree, options))
                .ToList();
        }
        return ReadRankedLines(path, cancellationToken).ToList();
    }

    private static bool IsOasst(string path)
    {
        foreach (var (line, text) in Lines(path, CancellationToken.None))
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                return root.ValueKind == JsonValueKind.Object
                       && (root.TryGetProperty("message_id", out _)
                           || (root.TryGetProperty("prompt", out var prompt) && prompt.ValueKind == JsonValueKind.Object));
            }
            catch (JsonException e)
            {
                throw new TrmDataException($"invalid JSON: {e.Message}", path, line, null, e);
            }
        }
        return false;
    }

    private static IEnumerable<(long Line, string Text)> Lines(string path, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(DataFile.OpenRead(path));
        long number = 0;
        while (reader.ReadLine() is { } text)
        {
            cancellationToken.ThrowIfCancellationRequested();
            number++;
            if (!string.IsNullOrWhiteSpace(text)) yield return (number, text);
        }
    }

    private static IEnumerable<RankedReplies> ReadRankedLines(string path, CancellationToken cancellationToken)
    {
        foreach (var (line, text) in Lines(path, cancellationToken))
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException e)
            {
                throw new TrmDataException($"invalid JSON: {e.Message}", path, line, null, e);
            }
            using (document)
            {
                yield return ParseRanked(document.RootElement, path, line);
            }
        }
    }

    private static RankedReplies ParseRanked(JsonElement root, string path, long line)
    {
        TrmDataException Error(string reason, string? field) => new(reason, path, line, field);
        if (root.ValueKind != JsonValueKind.Object) throw Error("a ranked-replies record must be a JSON object", null);
        var sourceId = $"{Path.GetFileName(path)}:{line}";
        var context = new List<ChatTurn>();
        if (root.TryGetProperty("messages", out var messages))
        {
            if (messages.ValueKind != JsonValueKind.Array) throw Error("must be a list of {role, content}", "messages");
            var index = 0;
            foreach (var message in messages.EnumerateArray())
            {
                var field = $"messages[{index++}]";
                var role = String(message, "role", field, Error) switch
                {
                    "user" or "prompter" => ChatRole.User,
                    "assistant" => ChatRole.Assistant,
                    "system" => ChatRole.System,
                    var other => throw Error($"unknown role '{other}' (expected user, assistant or system)", field + ".role"),
                };
                context.Add(new ChatTurn(role, String(message, "content", field, Error)));
            }
        }
        else
        {
            context.Add(new ChatTurn(ChatRole.User, String(root, "prompt", null, Error)));
        }
        if (context.Count == 0 || context[^1].Role != ChatRole.User) throw Error("the conversation must end with a user turn", "messages");

        var replies = new List<ChatTurn>();
        if (root.TryGetProperty("replies", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array) throw Error("must be a list of reply texts, best first", "replies");
            var texts = list.EnumerateArray().Select((r, i) => r.ValueKind == JsonValueKind.String ? r.GetString()! : throw Error("must be a string", $"replies[{i}]")).ToList();
            var ranks = Enumerable.Range(0, texts.Count).ToList();
            if (root.TryGetProperty("ranks", out var rankList))
            {
                if (rankList.ValueKind != JsonValueKind.Array || rankList.GetArrayLength() != texts.Count)
                    throw Error($"must be a list of {texts.Count} integers (one per reply)", "ranks");
                ranks = rankList.EnumerateArray().Select((r, i) => r.ValueKind == JsonValueKind.Number && r.TryGetInt32(out var v) ? v : throw Error("must be an integer", $"ranks[{i}]")).ToList();
            }
            replies.AddRange(texts.Select((t, i) => new ChatTurn(ChatRole.Assistant, t) { Rank = ranks[i] }).OrderBy(r => r.Rank));
        }
        else if (root.TryGetProperty("chosen", out _))
        {
            replies.Add(new ChatTurn(ChatRole.Assistant, String(root, "chosen", null, Error)) { Rank = 0 });
            replies.Add(new ChatTurn(ChatRole.Assistant, String(root, "rejected", null, Error)) { Rank = 1 });
        }
        else
        {
            throw Error("is missing (a ranked record needs replies, or chosen and rejected)", "replies");
        }
        if (replies.Count < 2) throw Error("needs at least two replies", "replies");

        var group = root.TryGetProperty("group", out var g) && g.ValueKind == JsonValueKind.String ? g.GetString()!
            : root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : sourceId;
        var conversation = new Conversation(context, sourceId) { Metadata = new Dictionary<string, string> { [GroupKey] = group } };
        return new RankedReplies(conversation, replies);
    }

    private static string String(JsonElement obj, string name, string? parent, Func<string, string?, TrmDataException> error)
    {
        var field = parent is null ? name : $"{parent}.{name}";
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value)) throw error("is missing", field);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw error($"must be a string, found {value.ValueKind}", field);
    }
}
