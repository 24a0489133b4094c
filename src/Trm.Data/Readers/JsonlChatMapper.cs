using System.Text.Json;
using Trm.Data.Chat;
using Trm.Tokenization.Chat;

namespace Trm.Data.Readers;

/// <summary>
/// JSONL chat records: <c>{"messages": [{"role", "content", "reasoning"?}…], "id"?}</c> or a bare list of messages
/// (nanochat's CustomJSON). Roles as in <see cref="TurnListMapper.ParseRole"/>. An assistant message's reasoning comes
/// from the first of <c>reasoning</c>, <c>reasoning_content</c>, <c>thinking</c>, <c>think</c>, else from a
/// <c>&lt;think&gt;…&lt;/think&gt;</c> block opening its content; <see cref="ReasoningTraces"/> decides what it becomes.
/// </summary>
internal sealed class JsonlChatMapper(ReasoningTraces traces) : IConversationMapper
{
    internal static readonly string[] ReasoningFields = ["reasoning", "reasoning_content", "thinking", "think"];

    public Conversation Map(in JsonRecord record)
    {
        var root = record.Root;
        JsonElement list;
        string prefix;
        if (root.ValueKind == JsonValueKind.Array)
        {
            list = root;
            prefix = "";
        }
        else if (root.ValueKind == JsonValueKind.Object)
        {
            list = JsonFields.RequiredArray(record, root, "messages");
            prefix = "messages";
        }
        else
        {
            throw record.Error($"must be an object with 'messages' or a list of messages, found {JsonFields.Kind(root)}");
        }
        var turns = new List<ChatTurn>(list.GetArrayLength());
        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var path = $"{prefix}[{index}]";
            JsonFields.RequireObject(record, item, path);
            var roleName = JsonFields.RequiredString(record, item, "role", $"{path}.role");
            var role = TurnListMapper.ParseRole(roleName) ?? throw record.Error($"unknown role '{roleName}'", $"{path}.role");
            var content = JsonFields.RequiredString(record, item, "content", $"{path}.content");
            string? reasoning = null;
            foreach (var name in ReasoningFields)
            {
                reasoning = JsonFields.OptionalString(record, item, name, $"{path}.{name}");
                if (reasoning is not null)
                {
                    if (role != ChatRole.Assistant)
                        throw record.Error("only assistant messages may carry a reasoning trace", $"{path}.{name}");
                    break;
                }
            }
            if (reasoning is null && role == ChatRole.Assistant)
                (reasoning, content) = ThinkTrace.Split(content);
            turns.Add(WithTrace(role, content, reasoning, traces));
            index++;
        }
        if (turns.Count == 0)
            throw record.Error("has no turns", prefix.Length == 0 ? null : prefix);
        if (!turns.Any(t => t.Role == ChatRole.Assistant))
            throw record.Error("has no assistant turn", prefix.Length == 0 ? null : prefix);
        var id = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
            ? idElement.GetString()!
            : record.SourceId;
        return new Conversation(turns, id);
    }

    /// <summary>A turn whose trace is a think block, plain text before the answer (after <paramref name="separator"/>), or dropped.</summary>
    internal static ChatTurn WithTrace(ChatRole role, string answer, string? reasoning, ReasoningTraces traces, string separator = "\n\n")
        => reasoning is null ? new ChatTurn(role, answer) : traces switch
        {
            ReasoningTraces.Think => new ChatTurn(role, answer) { Reasoning = reasoning },
            ReasoningTraces.Plain => new ChatTurn(role, reasoning.Length == 0 ? answer : reasoning + separator + answer),
            _ => new ChatTurn(role, answer),
        };
}
