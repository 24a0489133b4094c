using Trm.Data.Chat;
using Trm.Tokenization.Chat;

namespace Trm.Data.Readers;

/// <summary>Dolly-15k records: <c>instruction</c> (+ <c>context</c>) → user, <c>response</c> → assistant, <c>category</c> kept as metadata.</summary>
internal sealed class DollyMapper : IConversationMapper
{
    public Conversation Map(in JsonRecord record)
    {
        var root = JsonFields.RequireObject(record, record.Root);
        var instruction = JsonFields.RequiredString(record, root, "instruction");
        var context = JsonFields.OptionalString(record, root, "context");
        var response = JsonFields.RequiredString(record, root, "response");
        var category = JsonFields.OptionalString(record, root, "category");
        var metadata = new Dictionary<string, string>();
        if (category is not null)
            metadata["category"] = category;
        return new Conversation([new ChatTurn(ChatRole.User, AlpacaMapper.UserText(instruction, context)), new ChatTurn(ChatRole.Assistant, response)], record.SourceId)
        {
            Metadata = metadata,
        };
    }
}
