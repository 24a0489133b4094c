using Trm.Data.Chat;
using Trm.Tokenization.Chat;

namespace Trm.Data.Readers;

/// <summary>Alpaca records: <c>instruction</c> (+ optional <c>input</c>, appended after a blank line) → user, <c>output</c> → assistant.</summary>
internal sealed class AlpacaMapper : IConversationMapper
{
    public Conversation Map(in JsonRecord record)
    {
        var root = JsonFields.RequireObject(record, record.Root);
        var instruction = JsonFields.RequiredString(record, root, "instruction");
        var input = JsonFields.OptionalString(record, root, "input");
        var output = JsonFields.RequiredString(record, root, "output");
        return new Conversation([new ChatTurn(ChatRole.User, UserText(instruction, input)), new ChatTurn(ChatRole.Assistant, output)], record.SourceId);
    }

    /// <summary>The instruction, then the input (context) after a blank line when there is one.</summary>
    internal static string UserText(string instruction, string? input)
        => string.IsNullOrWhiteSpace(input) ? instruction : instruction + "\n\n" + input;
}
