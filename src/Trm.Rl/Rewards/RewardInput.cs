namespace Trm.Rl.Rewards;

/// <summary>What a reward function scores: one sampled reply to one problem.</summary>
/// <param name="Task">The task the problem comes from (<c>gsm8k</c>, <c>addition</c>…).</param>
/// <param name="Prompt">The user prompt.</param>
/// <param name="Response">The model's reply as decoded text (a think block spelled inline, the end token left out).</param>
/// <param name="Reference">The reference answer, when the task has one.</param>
public sealed record RewardInput(string Task, string Prompt, string Response, string? Reference);
