namespace Trm.Rl.Grpo;

/// <summary>
/// GRPO settings. <see cref="SingleTaskBaseline"/> is nanochat's GSM8K RL baseline (on-policy, advantage r − mean,
/// no KL, no clipping, 16 prompts × 16 samples, 256 new tokens, temperature 1, top-k 50, LR decayed linearly to 0);
/// <see cref="MixedTask"/> is the mixed-task recipe (KL to the frozen reference with the k3 estimator, truncated ratio
/// [0.8, 1.28], advantages clipped to ±5, all-equal groups dropped, 4 epochs in minibatches, gradient clipping 1.0).
/// Immutable; adjust with <c>with</c> and call <see cref="Validate"/>.
/// </summary>
public sealed record GrpoOptions
{
    /// <summary>nanochat's single-task baseline.</summary>
    public static GrpoOptions SingleTaskBaseline { get; } = new();

    /// <summary>The mixed-task GRPO recipe (ghost's <c>chat_grpo</c> with its example KL coefficient 0.02).</summary>
    public static GrpoOptions MixedTask { get; } = new()
    {
        GroupSize = 8,
        ClipMode = GrpoClipMode.Truncated,
        ClipLow = 0.2,
        ClipHigh = 0.28,
        KlCoef = 0.02,
        AdvantageClip = 5.0,
        DropEqualRewardGroups = true,
        Epochs = 4,
        MinibatchSize = 32,
        GradClipNorm = 1.0,
        LrDecay = false,
        LearningRate = 1e-6,
    };

    /// <summary>A preset by name: <c>baseline</c> (or <c>single</c>) or <c>mixed</c>.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static GrpoOptions Preset(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "baseline" or "single" or "single-task" => SingleTaskBaseline,
        "mixed" or "mixed-task" => MixedTask,
        _ => throw new ArgumentException($"unknown GRPO preset '{name}' (baseline, mixed)", nameof(name)),
    };

    /// <summary>Optimizer steps (each: one rollout batch and its updates). Default 100.</summary>
    public int Steps { get; init; } = 100;

    /// <summary>Samples per prompt (G). Default 16.</summary>
    public int GroupSize { get; init; } = 16;

    /// <summary>Prompts per step. Default 16.</summary>
    public int PromptsPerStep { get; init; } = 16;

    /// <summary>Most new tokens per sample. Default 256.</summary>
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>Sampling temperature of the rollouts. Default 1.0.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Top-k of the rollouts (0: off). Default 50.</summary>
    public int TopK { get; init; } = 50;

    /// <summary>Rows generated in one batch (memory bound of the rollouts). Default 64.</summary>
    public int RolloutBatchSize { get; init; } = 64;

    /// <summary>Divide each group's advantages by its reward standard deviation (+1e-4). Default false (r − mean only).</summary>
    public bool NormalizeAdvantageStd { get; init; }

    /// <summary>Advantages are clipped to ±this (0: no clipping). Default 0; the mixed recipe uses 5.</summary>
    public double AdvantageClip { get; init; }

    /// <summary>Drop groups whose rewards are all equal (they carry no signal). Default false.</summary>
    public bool DropEqualRewardGroups { get; init; }

    /// <summary>How the importance ratio is bounded. Default <see cref="GrpoClipMode.None"/>.</summary>
    public GrpoClipMode ClipMode { get; init; } = GrpoClipMode.None;

    /// <summary>ε_low: the ratio's lower bound is 1 − ε_low. Default 0.2.</summary>
    public double ClipLow { get; init; } = 0.2;

    /// <summary>ε_high: the ratio's upper bound is 1 + ε_high. Default 0.2.</summary>
    public double ClipHigh { get; init; } = 0.2;

    /// <summary>Weight of the k3 KL penalty to the reference model (0: no reference is run). Default 0.</summary>
    public double KlCoef { get; init; }

    /// <summary>Passes over each rollout batch. Default 1.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Samples per optimizer update (0: the whole batch). Default 0.</summary>
    public int MinibatchSize { get; init; }

    /// <summary>Peak learning rate (AdamW, β 0.9/0.95, no weight decay). Default 1e-4.</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Decay the learning rate linearly to 0 over <see cref="Steps"/> (nanochat); false keeps it constant. Default true.</summary>
    public bool LrDecay { get; init; } = true;

    /// <summary>Clip the global gradient norm to this (0: off). Default 0.</summary>
    public double GradClipNorm { get; init; }

    /// <summary>The length penalty. Default none.</summary>
    public GrpoLengthPenalty LengthPenalty { get; init; } = GrpoLengthPenalty.None;

    /// <summary>The length penalty's coefficient. Default 0.</summary>
    public double LengthPenaltyCoef { get; init; }

    /// <summary>Replies up to this many tokens are not penalised. Default 128.</summary>
    public int LengthPenaltyTarget { get; init; } = 128;

    /// <summary>Evaluate pass@1 on the held-out problems every this many steps (0: only at the start and end). Default 20.</summary>
    public int EvalEvery { get; init; } = 20;

    /// <summary>Sampling temperature of the evaluation (0: greedy). Default 0.</summary>
    public double EvalTemperature { get; init; }

    /// <summary>Write a checkpoint every this many steps (0: only the last). Default 0.</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Seed of problem sampling and rollouts. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        Positive(Steps, nameof(Steps));
        Positive(GroupSize, nameof(GroupSize));
        Positive(PromptsPerStep, nameof(PromptsPerStep));
        Positive(MaxNewTokens, nameof(MaxNewTokens));
        Positive(RolloutBatchSize, nameof(RolloutBatchSize));
        Positive(Epochs, nameof(Epochs));
        if (GroupSize < 2) throw new ArgumentOutOfRangeException(nameof(GroupSize), GroupSize, "a group needs at least 2 samples");
        if (!(Temperature > 0) || !double.IsFinite(Temperature)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "rollouts must sample: > 0 and finite");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "must be ≥ 0 (0 = off)");
        NonNegative(AdvantageClip, nameof(AdvantageClip));
        if (!(ClipLow >= 0 && ClipLow < 1)) throw new ArgumentOutOfRangeException(nameof(ClipLow), ClipLow, "must be in [0, 1)");
        NonNegative(ClipHigh, nameof(ClipHigh));
        NonNegative(KlCoef, nameof(KlCoef));
        if (MinibatchSize < 0) throw new ArgumentOutOfRangeException(nameof(MinibatchSize), MinibatchSize, "must be ≥ 0 (0 = whole batch)");
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be > 0 and finite");
        NonNegative(GradClipNorm, nameof(GradClipNorm));
        NonNegative(LengthPenaltyCoef, nameof(LengthPenaltyCoef));
        Positive(LengthPenaltyTarget, nameof(LengthPenaltyTarget));
        if (EvalEvery < 0) throw new ArgumentOutOfRangeException(nameof(EvalEvery), EvalEvery, "must be ≥ 0");
        if (!(EvalTemperature >= 0) || !double.IsFinite(EvalTemperature)) throw new ArgumentOutOfRangeException(nameof(EvalTemperature), EvalTemperature, "must be ≥ 0 and finite");
        if (CheckpointEvery < 0) throw new ArgumentOutOfRangeException(nameof(CheckpointEvery), CheckpointEvery, "must be ≥ 0");
    }

    private static void Positive(int value, string name)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, value, "must be ≥ 1");
    }

    private static void NonNegative(double value, string name)
    {
        if (!(value >= 0) || !double.IsFinite(value)) throw new ArgumentOutOfRangeException(name, value, "must be ≥ 0 and finite");
    }
}
