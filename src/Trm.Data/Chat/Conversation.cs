using Trm.Tokenization.Chat;
namespace Trm.Data.Chat;

/// <summary>
/// A conversation as every reader produces it: ordered turns, the id of the record it came from
/// (<c>file:line</c> or the source's own id) and optional metadata (category, language, tree id…).
/// </summary>
/// <param name="Turns">The turns in order.</param>
/// <param name="SourceId">Where the record came from.</param>
public sealed record Conversation(IReadOnlyList<ChatTurn> Turns, string SourceId)
{
    /// <summary>Extra facts about the record (e.g. <c>category</c>, <c>lang</c>, <c>message_tree_id</c>); empty when none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata;

    private static readonly IReadOnlyDictionary<string, string> EmptyMetadata = new Dictionary<string, string>();

    /// <summary>Whether at least one turn is the assistant's (only those conversations carry a training signal).</summary>
    public bool HasAssistantTurn => Turns.Any(t => t.Role == ChatRole.Assistant);
}
