namespace Trm.Rl.RewardModel;

/// <summary>
/// Reward-model training settings. Defaults follow Open-Assistant's reward-model recipe: learning rate 1e-5, 2 prompts a
/// micro-batch, 2 micro-batches a step, AdamW (0.9, 0.95, ε 1e-12, no weight decay), 10 warm-up steps, 2 epochs,
/// gradient norm clipped at 2, β 0.001.
/// </summary>
public sealed record RewardTrainingOptions
{
    /// <summary>Peak learning rate (default 1e-5; a small model trained from scratch wants more, e.g. 1e-3).</summary>
    public double LearningRate { get; init; } = 1e-5;

    /// <summary>Passes over the training prompts (default 2).</summary>
    public int Epochs { get; init; } = 2;

    /// <summary>Stop after this many optimizer steps (default: none).</summary>
    public int? MaxSteps { get; init; }

    /// <summary>Prompts (groups of replies) per micro-batch (default 2).</summary>
    public int GroupsPerBatch { get; init; } = 2;

    /// <summary>Micro-batches per optimizer step (default 2).</summary>
    public int GradientAccumulation { get; init; } = 2;

    /// <summary>Linear warm-up steps (default 10); the rate is constant afterwards.</summary>
    public int WarmupSteps { get; init; } = 10;

    /// <summary>Gradient-norm clip (default 2.0); 0 turns it off.</summary>
    public double MaxGradNorm { get; init; } = 2.0;

    /// <summary>Weight of the score regulariser β (default 0.001).</summary>
    public double Beta { get; init; } = RankingLoss.DefaultBeta;

    /// <summary>Adam β₁ (default 0.9).</summary>
    public double AdamBeta1 { get; init; } = 0.9;

    /// <summary>Adam β₂ (default 0.95).</summary>
    public double AdamBeta2 { get; init; } = 0.95;

    /// <summary>Adam ε (default 1e-12).</summary>
    public double AdamEps { get; init; } = 1e-12;

    /// <summary>Decoupled weight decay (default 0).</summary>
    public double WeightDecay { get; init; }

    /// <summary>Evaluate on the validation prompts every this many steps (default 0: at the end of every epoch).</summary>
    public int EvalEvery { get; init; }

    /// <summary>Seed of the shuffling (default 0).</summary>
    public int Seed { get; init; }

    /// <summary>Run folder for checkpoints (<c>step_N</c> at each evaluation and at the end); null writes none.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public void Validate()
    {
        if (!(LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be > 0");
        if (Epochs < 1) throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, "must be >= 1");
        if (MaxSteps is < 1) throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "must be >= 1");
        if (GroupsPerBatch < 1) throw new ArgumentOutOfRangeException(nameof(GroupsPerBatch), GroupsPerBatch, "must be >= 1");
        if (GradientAccumulation < 1) throw new ArgumentOutOfRangeException(nameof(GradientAccumulation), GradientAccumulation, "must be >= 1");
        if (WarmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(WarmupSteps), WarmupSteps, "must be >= 0");
        if (!(MaxGradNorm >= 0)) throw new ArgumentOutOfRangeException(nameof(MaxGradNorm), MaxGradNorm, "must be >= 0");
        if (!(Beta >= 0)) throw new ArgumentOutOfRangeException(nameof(Beta), Beta, "must be >= 0");
        if (EvalEvery < 0) throw new ArgumentOutOfRangeException(nameof(EvalEvery), EvalEvery, "must be >= 0");
    }
}
