namespace Trm.Tokenization.Chat;

/// <summary>One turn of a conversation.</summary>
/// <param name="Role">Who speaks.</param>
/// <param name="Content">What is said (plain text; special-token spellings inside it are encoded as ordinary text).</param>
public sealed record ChatMessage(ChatRole Role, string Content)
{
    /// <summary>What is said.</summary>
    public string Content { get; init; } = Content ?? throw new ArgumentNullException(nameof(Content));

    /// <summary>
    /// The reasoning trace of an assistant turn, rendered as <c>&lt;think&gt;reasoning&lt;/think&gt;</c> before
    /// <see cref="Content"/> and trained on like the answer. <see langword="null"/> (default): no think block, the
    /// turn answers directly; an empty string renders an empty block. Only assistant messages may carry one.
    /// </summary>
    public string? Reasoning { get; init; }

    /// <summary>A system message.</summary>
    public static ChatMessage System(string content) => new(ChatRole.System, content);

    /// <summary>A user message.</summary>
    public static ChatMessage User(string content) => new(ChatRole.User, content);

    /// <summary>An assistant message.</summary>
    public static ChatMessage Assistant(string content) => new(ChatRole.Assistant, content);

    /// <summary>An assistant message that thinks first: <paramref name="reasoning"/> in a think block, then <paramref name="content"/>.</summary>
    public static ChatMessage Assistant(string content, string reasoning)
        => new(ChatRole.Assistant, content) { Reasoning = reasoning ?? throw new ArgumentNullException(nameof(reasoning)) };
}
