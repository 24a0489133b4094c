namespace Trm.Tokenization.Chat;

/// <summary>A conversation cannot be rendered: roles out of order, empty, or ending in the wrong role.</summary>
public sealed class ChatTemplateException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong (names the turn index).</param>
    /// <param name="turnIndex">Index of the offending message, or -1 for the conversation as a whole.</param>
    public ChatTemplateException(string message, int turnIndex)
        : base(message)
    {
        TurnIndex = turnIndex;
    }

    /// <summary>Index of the offending message, or -1 for the conversation as a whole.</summary>
    public int TurnIndex { get; }
}
