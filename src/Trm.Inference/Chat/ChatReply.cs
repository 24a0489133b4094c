using Trm.Inference.Generation;

namespace Trm.Inference.Chat;

/// <summary>An assistant turn produced by a <see cref="ChatGenerator"/>.</summary>
/// <param name="Content">The answer (after any think block).</param>
/// <param name="Reasoning">The text of a leading <c>&lt;think&gt;…&lt;/think&gt;</c> block, or null when the model answered directly.</param>
/// <param name="Generation">The raw generation: token ids, log-probabilities, finish reason.</param>
public sealed record ChatReply(string Content, string? Reasoning, GenerationResult Generation);
