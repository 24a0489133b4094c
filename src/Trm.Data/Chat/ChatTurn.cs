using Trm.Tokenization.Chat;
namespace Trm.Data.Chat;

/// <summary>One turn of a conversation.</summary>
/// <param name="Role">Who speaks.</param>
/// <param name="Text">What is said.</param>
public sealed record ChatTurn(ChatRole Role, string Text)
{
    /// <summary>The turn's rank among its siblings (0 = best) when the source ranks replies (OASST), else <see langword="null"/>.</summary>
    public int? Rank { get; init; }

    /// <summary>The source's id of this message (OASST message_id), or <see langword="null"/>.</summary>
    public string? MessageId { get; init; }

    /// <summary>
    /// The reasoning trace of an assistant turn (rendered in a <c>&lt;think&gt;</c> block before <see cref="Text"/>), or
    /// <see langword="null"/> when the turn answers directly.
    /// </summary>
    public string? Reasoning { get; init; }

    /// <summary>The turn as the chat template's message (reasoning included).</summary>
    public ChatMessage ToMessage() => new(Role, Text) { Reasoning = Reasoning };
}
