namespace Trm.Tokenization.Chat;

/// <summary>
/// The special tokens a <see cref="ChatTemplate"/> adds to its base tokenizer, in this order, right after the base
/// vocabulary (GPT-2: <c>&lt;|system|&gt;</c> = 50257 … <c>&lt;|pad|&gt;</c> = 50261, <c>&lt;think&gt;</c> = 50262,
/// <c>&lt;/think&gt;</c> = 50263, vocabulary size 50264).
/// </summary>
public static class ChatSpecialTokens
{
    /// <summary>Starts a system turn.</summary>
    public const string System = "<|system|>";

    /// <summary>Starts a user turn.</summary>
    public const string User = "<|user|>";

    /// <summary>Starts an assistant turn.</summary>
    public const string Assistant = "<|assistant|>";

    /// <summary>Ends every turn; the model learns to emit it after its answer (a natural stop token).</summary>
    public const string End = "<|end|>";

    /// <summary>Fills batches to equal length; never trained on.</summary>
    public const string Pad = "<|pad|>";

    /// <summary>Opens the reasoning trace at the start of an assistant turn (trained on, like the rest of the turn).</summary>
    public const string ThinkStart = "<think>";

    /// <summary>Closes the reasoning trace; the answer follows it.</summary>
    public const string ThinkEnd = "</think>";

    /// <summary>All chat tokens in id order.</summary>
    public static IReadOnlyList<string> All { get; } = [System, User, Assistant, End, Pad, ThinkStart, ThinkEnd];

    /// <summary>The start token of <paramref name="role"/>.</summary>
    public static string StartOf(ChatRole role) => role switch
    {
        ChatRole.System => System,
        ChatRole.User => User,
        ChatRole.Assistant => Assistant,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown chat role."),
    };
}
