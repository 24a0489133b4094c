using Trm.Data.Chat;
using Trm.Tokenization;
using Trm.Tokenization.Chat;

namespace Trm.Data.Sft;

/// <summary>
/// Decodes the examples of a built chat dataset back to conversations: each <c>&lt;|role|&gt; … &lt;|end|&gt;</c> span is a
/// turn, a <c>&lt;think&gt;…&lt;/think&gt;</c> block opening an assistant turn its reasoning. A turn cut by truncation
/// (no closing <c>&lt;|end|&gt;</c>) is left out; an example left without an assistant turn is skipped and counted.
/// </summary>
internal static class ChatDatasetConversations
{
    public static IEnumerable<Conversation> Read(string directory, string split, SftSourceCounter counter, CancellationToken cancellationToken)
    {
        if (split is not ("train" or "val"))
            throw new TrmDataException($"unknown split '{split}' (train or val)", directory, null, "split");
        using var dataset = ChatDataset.Open(directory);
        Tokenizer tokenizer;
        try
        {
            tokenizer = Tokenizer.FromName(dataset.Info.Tokenizer).WithSpecialTokens(ChatSpecialTokens.All);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException)
        {
            throw new TrmDataException($"cannot load tokenizer '{dataset.Info.Tokenizer}': {e.Message}", Path.Combine(directory, ChatDatasetInfo.FileName), null, "tokenizer", e);
        }
        var ids = new ChatTokenIds(tokenizer);
        var examples = split == "train" ? dataset.Train : dataset.Val;
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(directory));
        for (var i = 0; i < examples.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var turns = Decode(examples[i].Ids, tokenizer, ids);
            if (!turns.Any(t => t.Role == ChatRole.Assistant))
            {
                counter.Skipped++;
                continue;
            }
            counter.Read++;
            yield return new Conversation(turns, $"{name}/{split}:{i + 1}");
        }
    }

    internal static List<ChatTurn> Decode(int[] example, Tokenizer tokenizer, ChatTokenIds ids)
    {
        var turns = new List<ChatTurn>();
        var position = 0;
        while (position < example.Length)
        {
            var role = ids.RoleOf(example[position]);
            var end = Array.IndexOf(example, ids.End, position + 1);
            if (role is null || end < 0)
                break;
            var body = example.AsSpan(position + 1, end - position - 1);
            string? reasoning = null;
            if (role == ChatRole.Assistant && body.Length > 0 && body[0] == ids.ThinkStart && body.IndexOf(ids.ThinkEnd) is var close and > 0)
            {
                reasoning = tokenizer.Decode(body[1..close].ToArray());
                body = body[(close + 1)..];
            }
            turns.Add(new ChatTurn(role.Value, tokenizer.Decode(body.ToArray())) { Reasoning = reasoning });
            position = end + 1;
        }
        while (turns.Count > 0 && turns[^1].Role != ChatRole.Assistant)
            turns.RemoveAt(turns.Count - 1);
        return turns;
    }

    /// <summary>The chat token ids of a tokenizer extended with <see cref="ChatSpecialTokens.All"/>.</summary>
    internal sealed class ChatTokenIds(Tokenizer tokenizer)
    {
        public int System { get; } = tokenizer.GetSpecialTokenId(ChatSpecialTokens.System);
        public int User { get; } = tokenizer.GetSpecialTokenId(ChatSpecialTokens.User);
        public int Assistant { get; } = tokenizer.GetSpecialTokenId(ChatSpecialTokens.Assistant);
        public int End { get; } = tokenizer.GetSpecialTokenId(ChatSpecialTokens.End);
        public int ThinkStart { get; } = tokenizer.GetSpecialTokenId(ChatSpecialTokens.ThinkStart);
        public int ThinkEnd { get; } = tokenizer.GetSpecialTokenId(ChatSpecialTokens.ThinkEnd);

        public ChatRole? RoleOf(int id) => id == System ? ChatRole.System : id == User ? ChatRole.User : id == Assistant ? ChatRole.Assistant : null;
    }
}
