namespace Trm.Tokenization.Chat;

/// <summary>Who speaks a turn of a conversation.</summary>
public enum ChatRole
{
    /// <summary>Instructions for the assistant; allowed only as the first message.</summary>
    System,

    /// <summary>The human side.</summary>
    User,

    /// <summary>The model side: the only role whose tokens are trained on.</summary>
    Assistant,
}
