using System.Text.Json;
using Trm.Data.Chat;
using Trm.Data.Readers;
using Trm.Tokenization.Chat;

namespace Trm.Data.Oasst;

/// <summary>
/// Reads OASST1 exports into message trees: either nested trees (one tree per JSONL line, <c>prompt</c> with nested
/// <c>replies</c>; streamed) or flat message rows (<c>message_id</c>, <c>parent_id</c>, <c>message_tree_id</c>…; rows of a
/// tree may come in any order, so flat files are held in memory until the end and the trees rebuilt from parent ids).
/// </summary>
public static class OasstTreeReader
{
    /// <summary>Reads every tree of <paramref name="path"/> (JSONL, JSON list, gzip or not).</summary>
    /// <param name="path">The export file.</param>
    /// <param name="report">Counts records and collects skipped ones.</param>
    /// <param name="policy">Throw on a malformed record (default) or skip it into <paramref name="report"/>.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <param name="utf8">What to do with bytes that are not UTF-8 (counted in <paramref name="report"/>).</param>
    public static IEnumerable<OasstTree> ReadTrees(string path, ReadReport report, MalformedRecordPolicy policy = MalformedRecordPolicy.Throw,
        CancellationToken cancellationToken = default, InvalidUtf8Policy utf8 = InvalidUtf8Policy.Error)
    {
        var flat = new FlatRows();
        foreach (var record in JsonRecordSource.Read(path, report, policy, cancellationToken, utf8))
        {
            OasstTree? tree = null;
            try
            {
                var root = JsonFields.RequireObject(record, record.Root);
                if (root.TryGetProperty("prompt", out _))
                    tree = ParseNestedTree(record, root);
                else
                    flat.Add(record, root);
            }
            catch (TrmDataException error) when (policy == MalformedRecordPolicy.Skip)
            {
                report.AddSkip(error);
            }
            if (tree is not null)
                yield return tree;
        }
        foreach (var tree in flat.BuildTrees(report, policy))
            yield return tree;
    }

    private static OasstTree ParseNestedTree(in JsonRecord record, JsonElement root)
    {
        var treeState = JsonFields.OptionalString(record, root, "tree_state");
        var prompt = JsonFields.RequireObject(record, root.GetProperty("prompt"), "prompt");
        var rootMessage = ParseNested(record, prompt, "prompt", parent: null);
        var treeId = JsonFields.OptionalString(record, root, "message_tree_id") ?? rootMessage.MessageId;
        return new OasstTree(treeId, treeState, rootMessage);
    }

    private static OasstMessage ParseNested(in JsonRecord record, JsonElement element, string path, OasstMessage? parent)
    {
        var message = ParseMessage(record, element, path, parent?.MessageId);
        CheckAlternation(record, message, parent, path);
        if (element.TryGetProperty("replies", out var replies) && replies.ValueKind != JsonValueKind.Null)
        {
            if (replies.ValueKind != JsonValueKind.Array)
                throw record.Error($"must be a list, found {JsonFields.Kind(replies)}", path + ".replies");
            var index = 0;
            foreach (var reply in replies.EnumerateArray())
            {
                var replyPath = $"{path}.replies[{index++}]";
                JsonFields.RequireObject(record, reply, replyPath);
                message.AddReply(ParseNested(record, reply, replyPath, message));
            }
        }
        return message;
    }

    /// <summary>Parses the message fields shared by flat rows and nested trees.</summary>
    private static OasstMessage ParseMessage(in JsonRecord record, JsonElement element, string? path, string? parentId)
    {
        string P(string name) => path is null ? name : $"{path}.{name}";
        var roleName = JsonFields.RequiredString(record, element, "role", P("role"));
        var role = roleName switch
        {
            "prompter" or "user" => ChatRole.User,
            "assistant" => ChatRole.Assistant,
            _ => throw record.Error($"unknown role '{roleName}' (expected prompter or assistant)", P("role")),
        };
        return new OasstMessage
        {
            MessageId = JsonFields.RequiredString(record, element, "message_id", P("message_id")),
            ParentId = parentId,
            Role = role,
            Text = JsonFields.RequiredString(record, element, "text", P("text"), allowEmpty: true),
            Lang = JsonFields.OptionalString(record, element, "lang", P("lang")),
            Rank = JsonFields.OptionalInt(record, element, "rank", P("rank")),
            Deleted = JsonFields.OptionalBool(record, element, "deleted", false, P("deleted")),
            Synthetic = JsonFields.OptionalBool(record, element, "synthetic", false, P("synthetic")),
            ReviewResult = JsonFields.OptionalNullableBool(record, element, "review_result", P("review_result")),
            Source = record.SourceId,
        };
    }

    private static void CheckAlternation(in JsonRecord record, OasstMessage message, OasstMessage? parent, string? path)
    {
        var field = path is null ? "role" : path + ".role";
        if (parent is null && message.Role != ChatRole.User)
            throw record.Error("a tree's root message must be a prompter message", field);
        if (parent is not null && parent.Role == message.Role)
            throw record.Error($"roles must alternate: '{RoleName(message.Role)}' cannot reply to '{RoleName(parent.Role)}'", field);
    }

    private static string RoleName(ChatRole role) => role == ChatRole.User ? "prompter" : "assistant";

    /// <summary>Flat message rows, linked into trees once the whole file is read.</summary>
    private sealed class FlatRows
    {
        private readonly Dictionary<string, (OasstMessage Message, string? TreeId, string? TreeState, string File, long Line)> _byId = new(StringComparer.Ordinal);
        private readonly List<string> _order = [];

        public void Add(in JsonRecord record, JsonElement root)
        {
            if (!root.TryGetProperty("parent_id", out _))
                throw record.Error("is missing (a flat OASST row needs parent_id; a nested tree needs prompt)", "parent_id");
            var parentId = JsonFields.OptionalString(record, root, "parent_id");
            var message = ParseMessage(record, root, null, parentId);
            if (_byId.ContainsKey(message.MessageId))
                throw record.Error($"duplicate message id '{message.MessageId}'", "message_id");
            _byId[message.MessageId] = (message, JsonFields.OptionalString(record, root, "message_tree_id"), JsonFields.OptionalString(record, root, "tree_state"), record.File, record.Line);
            _order.Add(message.MessageId);
        }

        public IEnumerable<OasstTree> BuildTrees(ReadReport report, MalformedRecordPolicy policy)
        {
            var roots = new List<OasstTree>();
            foreach (var id in _order)
            {
                var (message, treeId, treeState, file, line) = _byId[id];
                var record = new JsonRecord(default, file, line);
                try
                {
                    if (message.ParentId is null)
                    {
                        CheckAlternation(record, message, null, null);
                        roots.Add(new OasstTree(treeId ?? message.MessageId, treeState, message));
                        continue;
                    }
                    if (!_byId.TryGetValue(message.ParentId, out var parent))
                        throw record.Error($"parent message '{message.ParentId}' is not in the file", "parent_id");
                    CheckAlternation(record, message, parent.Message, null);
                    parent.Message.AddReply(message);
                }
                catch (TrmDataException error) when (policy == MalformedRecordPolicy.Skip)
                {
                    report.AddSkip(error);
                }
            }
            ReportUnreachable(roots, report, policy);
            return roots;
        }

        /// <summary>
        /// Messages that hang below a skipped or missing ancestor (or sit in a parent cycle) reach no root: they are
        /// reported too, so nothing is lost silently.
        /// </summary>
        private void ReportUnreachable(List<OasstTree> roots, ReadReport report, MalformedRecordPolicy policy)
        {
            var reached = new HashSet<string>(StringComparer.Ordinal);
            var stack = new Stack<OasstMessage>(roots.Select(r => r.Root));
            while (stack.Count > 0)
            {
                var message = stack.Pop();
                reached.Add(message.MessageId);
                foreach (var reply in message.Replies)
                    stack.Push(reply);
            }
            foreach (var id in _order)
            {
                var (message, _, _, file, line) = _byId[id];
                if (reached.Contains(id) || message.ParentId is null || !_byId.ContainsKey(message.ParentId))
                    continue; // reached, or a root / orphan that was already reported
                var error = new TrmDataException($"is not connected to a root message (an ancestor is missing, malformed or in a cycle)", file, line, "parent_id");
                if (policy == MalformedRecordPolicy.Throw)
                    throw error;
                report.AddSkip(error);
            }
        }
    }
}
