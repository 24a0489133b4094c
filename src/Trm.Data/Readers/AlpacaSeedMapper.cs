using Trm.Data.Chat;
using Trm.Tokenization.Chat;

namespace Trm.Data.Readers;

/// <summary>
/// Self-instruct seed tasks (the Alpaca seed set): <c>instruction</c> and <c>instances</c>, a list of <c>input</c>
/// (optional) / <c>output</c>. Each instance is one conversation: user = instruction (+ blank line + input, as Alpaca),
/// assistant = output. Source id: the record's <c>id</c> (with <c>#k</c> for instance k ≥ 2); <c>name</c> and
/// <c>is_classification</c> are kept as metadata.
/// </summary>
internal sealed class AlpacaSeedMapper : IConversationMapper
{
    public Conversation Map(in JsonRecord record) => MapAll(record)[0];

    public IReadOnlyList<Conversation> MapAll(in JsonRecord record)
    {
        var root = JsonFields.RequireObject(record, record.Root);
        var instruction = JsonFields.RequiredString(record, root, "instruction");
        var instances = JsonFields.RequiredArray(record, root, "instances");
        var id = JsonFields.OptionalString(record, root, "id") ?? record.SourceId;
        var metadata = new Dictionary<string, string>();
        if (JsonFields.OptionalString(record, root, "name") is { } name)
            metadata["name"] = name;
        if (JsonFields.OptionalNullableBool(record, root, "is_classification") is { } classification)
            metadata["is_classification"] = classification ? "true" : "false";
        var conversations = new List<Conversation>(instances.GetArrayLength());
        var index = 0;
        foreach (var instance in instances.EnumerateArray())
        {
            var path = $"instances[{index}]";
            JsonFields.RequireObject(record, instance, path);
            var input = JsonFields.OptionalString(record, instance, "input", $"{path}.input");
            var output = JsonFields.RequiredString(record, instance, "output", $"{path}.output");
            conversations.Add(new Conversation(
                [new ChatTurn(ChatRole.User, AlpacaMapper.UserText(instruction, input)), new ChatTurn(ChatRole.Assistant, output)],
                index == 0 ? id : $"{id}#{index + 1}")
            { Metadata = metadata });
            index++;
        }
        if (conversations.Count == 0)
            throw record.Error("has no instances", "instances");
        return conversations;
    }
}
