namespace Trm.Data.Chat;

/// <summary>Who speaks a turn of a <see cref="Conversation"/>.</summary>
public enum ChatRole
{
    /// <summary>System instructions that frame the conversation.</summary>
    System,

    /// <summary>The human (prompter, instruction giver).</summary>
    User,

    /// <summary>The model; its tokens are the ones trained on.</summary>
    Assistant,
}
