namespace Trm.Data.Chat;

/// <summary>The chat/instruction file formats the readers understand.</summary>
public enum ChatFormat
{
    /// <summary>Detect the format from the first record.</summary>
    Auto,

    /// <summary>Alpaca: <c>instruction</c>, <c>input</c>, <c>output</c> (JSON list or JSONL).</summary>
    Alpaca,

    /// <summary>Dolly-15k: <c>instruction</c>, <c>context</c>, <c>response</c>, <c>category</c> (JSONL).</summary>
    Dolly,

    /// <summary>ShareGPT: <c>conversations</c> of <c>from</c> (human|gpt|system) / <c>value</c>.</summary>
    ShareGpt,

    /// <summary>OpenAssistant-style <c>messages</c> of <c>role</c> / <c>content</c>.</summary>
    OpenAssistant,

    /// <summary>OASST1 exports: flat message rows or nested message trees; threads are extracted from the trees.</summary>
    Oasst,

    /// <summary>
    /// JSONL chat (nanochat's CustomJSON and the R1 recipes' <c>jsonl_chat</c>): per line <c>{"messages": [{"role",
    /// "content"}…]}</c> or a bare list of messages; an assistant message's <c>reasoning</c> (also <c>reasoning_content</c>,
    /// <c>thinking</c>, <c>think</c>) or a leading <c>&lt;think&gt;…&lt;/think&gt;</c> in its content is its reasoning trace.
    /// </summary>
    JsonlChat,

    /// <summary>GSM8K: <c>question</c> → user; <c>answer</c> (worked solution, then <c>#### final</c>) → assistant, as <see cref="Readers.ReasoningTraces"/> says.</summary>
    Gsm8k,

    /// <summary>Self-instruct / Alpaca seed tasks: <c>instruction</c> and <c>instances</c> of <c>input</c>/<c>output</c>; one conversation per instance.</summary>
    AlpacaSeed,
}
