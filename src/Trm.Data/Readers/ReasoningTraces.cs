namespace Trm.Data.Readers;

/// <summary>
/// What a reader does with a record's reasoning trace (a JSONL chat message's <c>reasoning</c> field or inline
/// <c>&lt;think&gt;</c> block, GSM8K's worked solution before <c>####</c>).
/// </summary>
public enum ReasoningTraces
{
    /// <summary>The trace becomes the turn's <see cref="Chat.ChatTurn.Reasoning"/>, rendered in a think block; the reply is the answer alone.</summary>
    Think,

    /// <summary>The trace stays ordinary reply text: trace, a blank line (GSM8K: a new line), then the answer; no think block.</summary>
    Plain,

    /// <summary>The trace is dropped: the reply is the answer alone (the recipes' "answer only" mode).</summary>
    Drop,
}
