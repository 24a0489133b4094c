namespace Trm.Data.Sft.Tasks;

/// <summary>One generated problem with its worked steps and its answer.</summary>
/// <param name="Prompt">The user's question.</param>
/// <param name="Reasoning">The worked steps (the think trace).</param>
/// <param name="Answer">The exact final answer the verifier expects.</param>
public sealed record SyntheticProblem(string Prompt, string Reasoning, string Answer);
