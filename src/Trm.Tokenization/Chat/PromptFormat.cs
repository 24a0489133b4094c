using System.Text;

namespace Trm.Tokenization.Chat;

/// <summary>
/// A single-turn instruction format in the Alpaca layout: a preamble, <c>### Instruction:</c>, an optional
/// <c>### Input:</c>, then <c>### Response:</c> followed by the response and an end token. Rendering trains on the
/// response and the end token only. Immutable and thread-safe; customise with a <c>with</c> expression.
/// </summary>
public sealed record PromptFormat
{
    /// <summary>The Alpaca layout with this package's preambles and <c>&lt;|endoftext|&gt;</c> as end token.</summary>
    public static PromptFormat Alpaca { get; } = new();

    /// <summary>First paragraph when there is no input.</summary>
    public string Preamble { get; init; } = "The instruction below describes a task. Write a response that carries it out.";

    /// <summary>First paragraph when there is an input.</summary>
    public string PreambleWithInput { get; init; } = "The instruction below describes a task, and the input gives its context. Write a response that carries it out.";

    /// <summary>Header of the instruction section.</summary>
    public string InstructionHeader { get; init; } = "### Instruction:";

    /// <summary>Header of the optional input section.</summary>
    public string InputHeader { get; init; } = "### Input:";

    /// <summary>Header after which the response follows.</summary>
    public string ResponseHeader { get; init; } = "### Response:";

    /// <summary>Special token closing the response (must exist in the tokenizer used to render).</summary>
    public string EndToken { get; init; } = "<|endoftext|>";

    /// <summary>The prompt text, ending right where the response starts. A null or blank input leaves the input section out.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="instruction"/> is null.</exception>
    public string FormatPrompt(string instruction, string? input = null)
    {
        ArgumentNullException.ThrowIfNull(instruction);
        bool hasInput = !string.IsNullOrWhiteSpace(input);
        var sb = new StringBuilder();
        sb.Append(hasInput ? PreambleWithInput : Preamble).Append("\n\n");
        sb.Append(InstructionHeader).Append('\n').Append(instruction).Append("\n\n");
        if (hasInput)
        {
            sb.Append(InputHeader).Append('\n').Append(input).Append("\n\n");
        }
        sb.Append(ResponseHeader).Append('\n');
        return sb.ToString();
    }

    /// <summary>
    /// Renders prompt + response + end token with a loss mask on the response and end token. Longer than
    /// <paramref name="maxLength"/>: <see cref="ChatTruncation.WholeTurns"/> gives an empty result (drop the record),
    /// <see cref="ChatTruncation.Tokens"/> cuts the end of the response and sets <see cref="RenderedChat.PartialTurn"/>.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The tokenizer lacks <see cref="EndToken"/>.</exception>
    public RenderedChat Render(Tokenizer tokenizer, string instruction, string? input, string response, int maxLength = int.MaxValue, ChatTruncation truncation = ChatTruncation.WholeTurns)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(response);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        int end = tokenizer.GetSpecialTokenId(EndToken);
        var ids = new List<int>();
        int promptLength = tokenizer.EncodeToIds(FormatPrompt(instruction, input), ids);
        tokenizer.EncodeToIds(response, ids);
        ids.Add(end);
        int full = ids.Count;
        int length = full <= maxLength ? full : truncation == ChatTruncation.Tokens ? maxLength : 0;
        var mask = new byte[length];
        if (length > promptLength)
        {
            mask.AsSpan(promptLength).Fill(1);
        }
        int kept = length == full ? 2 : length >= promptLength ? 1 : 0;
        return new RenderedChat(ids.GetRange(0, length).ToArray(), mask, full, kept, 2, partialTurn: length != full && length != 0 && length != promptLength);
    }

    /// <summary>Renders the prompt alone (ending after the response header) for generation.</summary>
    public int[] RenderForCompletion(Tokenizer tokenizer, string instruction, string? input = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return tokenizer.EncodeToIds(FormatPrompt(instruction, input));
    }
}
