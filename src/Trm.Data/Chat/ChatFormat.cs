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
}
