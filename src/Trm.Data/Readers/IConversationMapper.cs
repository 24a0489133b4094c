namespace Trm.Data.Readers;

/// <summary>Turns one JSON record of a given format into a conversation, throwing <see cref="TrmDataException"/> when it is malformed.</summary>
internal interface IConversationMapper
{
    Chat.Conversation Map(in JsonRecord record);
}
