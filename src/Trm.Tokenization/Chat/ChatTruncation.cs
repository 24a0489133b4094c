namespace Trm.Tokenization.Chat;

/// <summary>How a rendering longer than the maximum length is shortened.</summary>
public enum ChatTruncation
{
    /// <summary>
    /// Keep whole turns only: training renders keep the longest prefix of messages that ends with an assistant turn;
    /// completion prompts drop the oldest exchanges (the system message is kept while it fits). When nothing whole
    /// fits, the result is empty (training) and <see cref="RenderedChat.Truncated"/> says so.
    /// </summary>
    WholeTurns,

    /// <summary>
    /// Cut at the token limit even inside a turn; <see cref="RenderedChat.PartialTurn"/> reports a turn cut in half.
    /// Training renders keep the start, completion prompts keep the end.
    /// </summary>
    Tokens,
}
