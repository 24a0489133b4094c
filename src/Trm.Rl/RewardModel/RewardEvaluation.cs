namespace Trm.Rl.RewardModel;

/// <summary>The reward model measured on held-out prompts at one step.</summary>
/// <param name="Step">Optimizer steps taken.</param>
/// <param name="TrainLoss">Mean training loss since the previous evaluation (NaN before any step).</param>
/// <param name="Loss">The ranking loss on the held-out prompts.</param>
/// <param name="Metrics">Accuracy, Kendall τ and Spearman ρ on the held-out prompts.</param>
public sealed record RewardEvaluation(long Step, double TrainLoss, double Loss, RankingMetrics Metrics);
