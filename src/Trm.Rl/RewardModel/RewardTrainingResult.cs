namespace Trm.Rl.RewardModel;

/// <summary>What a reward-model training run did.</summary>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="History">Every evaluation, the first before training (step 0).</param>
/// <param name="LastCheckpoint">The last checkpoint folder written, or null.</param>
public sealed record RewardTrainingResult(long Steps, IReadOnlyList<RewardEvaluation> History, string? LastCheckpoint)
{
    /// <summary>The evaluation before training.</summary>
    public RewardEvaluation Initial => History[0];

    /// <summary>The last evaluation.</summary>
    public RewardEvaluation Final => History[^1];
}
