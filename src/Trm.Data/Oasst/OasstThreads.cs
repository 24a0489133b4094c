using Trm.Data.Chat;
using Trm.Tokenization.Chat;

namespace Trm.Data.Oasst;

/// <summary>Extracts training threads and ranked reply sets from OASST1 trees.</summary>
public static class OasstThreads
{
    /// <summary>Whether the tree passes the tree-level filters of <paramref name="options"/>.</summary>
    public static bool IsTreeKept(OasstTree tree, OasstOptions options)
        => (!options.RequireReadyForExport || tree.TreeState is null || tree.TreeState == OasstTree.ReadyForExport) && IsKept(tree.Root, options);

    /// <summary>
    /// The threads of <paramref name="tree"/> for supervised fine-tuning: each is a path from the root that ends with an
    /// assistant message (a trailing prompter message is dropped); paths with no assistant reply are left out.
    /// </summary>
    public static IEnumerable<Conversation> Extract(OasstTree tree, OasstOptions options)
    {
        if (!IsTreeKept(tree, options))
            yield break;
        if (options.ThreadMode == OasstThreadMode.BestRanked)
        {
            var path = new List<OasstMessage> { tree.Root };
            while (BestReply(path[^1], options) is { } next)
                path.Add(next);
            if (ToThread(tree, path) is { } thread)
                yield return thread;
            yield break;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var leafPath in LeafPaths(tree.Root, options, []))
        {
            var thread = ToThread(tree, leafPath);
            if (thread is not null && seen.Add(thread.Turns[^1].MessageId!))
                yield return thread;
        }
    }

    /// <summary>
    /// For every kept prompter message with at least two kept, ranked assistant replies: the conversation up to that
    /// prompt and the replies ordered best first.
    /// </summary>
    public static IEnumerable<RankedReplies> Ranked(OasstTree tree, OasstOptions options)
    {
        if (!IsTreeKept(tree, options))
            yield break;
        var stack = new Stack<(OasstMessage Message, List<OasstMessage> Path)>();
        stack.Push((tree.Root, [tree.Root]));
        while (stack.Count > 0)
        {
            var (message, path) = stack.Pop();
            var replies = message.Replies.Where(r => IsKept(r, options)).ToList();
            if (message.Role == ChatRole.User)
            {
                var ranked = replies.Where(r => r.Rank is not null).OrderBy(r => r.Rank).ToList();
                if (ranked.Count >= 2)
                    yield return new RankedReplies(Conversation(tree, path), ranked.Select(Turn).ToList());
            }
            for (var i = replies.Count - 1; i >= 0; i--)
                stack.Push((replies[i], [.. path, replies[i]]));
        }
    }

    private static bool IsKept(OasstMessage message, OasstOptions options)
        => (options.IncludeDeleted || !message.Deleted)
           && (options.IncludeSynthetic || !message.Synthetic)
           && (options.IncludeFailedReview || message.ReviewResult != false)
           && (options.Languages is null || (message.Lang is not null && options.Languages.Contains(message.Lang)));

    /// <summary>The kept reply with the lowest rank (unranked replies after ranked ones; ties in file order).</summary>
    private static OasstMessage? BestReply(OasstMessage message, OasstOptions options)
    {
        OasstMessage? best = null;
        foreach (var reply in message.Replies)
        {
            if (!IsKept(reply, options))
                continue;
            if (best is null || (reply.Rank ?? int.MaxValue) < (best.Rank ?? int.MaxValue))
                best = reply;
        }
        return best;
    }

    private static IEnumerable<List<OasstMessage>> LeafPaths(OasstMessage message, OasstOptions options, List<OasstMessage> prefix)
    {
        var path = new List<OasstMessage>(prefix) { message };
        var any = false;
        foreach (var reply in message.Replies)
        {
            if (!IsKept(reply, options))
                continue;
            any = true;
            foreach (var leaf in LeafPaths(reply, options, path))
                yield return leaf;
        }
        if (!any)
            yield return path;
    }

    private static Conversation? ToThread(OasstTree tree, List<OasstMessage> path)
    {
        var end = path.Count;
        if (path[end - 1].Role == ChatRole.User)
            end--;
        return end < 2 ? null : Conversation(tree, path.GetRange(0, end));
    }

    private static Conversation Conversation(OasstTree tree, List<OasstMessage> path)
    {
        var metadata = new Dictionary<string, string> { ["message_tree_id"] = tree.TreeId };
        if (tree.Root.Lang is not null)
            metadata["lang"] = tree.Root.Lang;
        return new Conversation(path.Select(Turn).ToList(), $"oasst:{tree.TreeId}:{path[^1].MessageId}") { Metadata = metadata };
    }

    private static ChatTurn Turn(OasstMessage message) => new(message.Role, message.Text) { Rank = message.Rank, MessageId = message.MessageId };
}
