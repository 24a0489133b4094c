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
}
