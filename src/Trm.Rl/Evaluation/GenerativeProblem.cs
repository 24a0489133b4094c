using Trm.Tokenization.Chat;

namespace Trm.Rl.Evaluation;

/// <summary>A problem answered by generation and checked against a reference (GSM8K: the number after <c>####</c>).</summary>
/// <param name="Prompt">The conversation the model replies to (it ends with a user turn).</param>
/// <param name="Reference">The expected final answer.</param>
/// <param name="Id">Where the problem came from (<c>file:line</c>).</param>
public sealed record GenerativeProblem(IReadOnlyList<ChatMessage> Prompt, string Reference, string Id);
