namespace Trm.Data.Readers;

/// <summary>Turns one JSON record of a given format into a conversation, throwing <see cref="TrmDataException"/> when it is malformed.</summary>
internal interface IConversationMapper
{
    Chat.Conversation Map(in JsonRecord record);

    /// <summary>Every conversation of the record (one, unless the format packs several, as seed tasks' instances do).</summary>
    IReadOnlyList<Chat.Conversation> MapAll(in JsonRecord record) => [Map(record)];
}
