using System.Text.Json.Serialization;
using Trm.Model;
using Trm.Model.Configuration;
using Trm.Training.Losses;

namespace Trm.Training.Configuration;

/// <summary>
/// A whole training run's configuration, with the reference's <c>config/cfg_pretrain.yaml</c> keys and defaults
/// (snake_case, so that <c>pretrain.py</c> override lines can be pasted into <c>trm train</c>), plus a few
/// options of ours (optimizer choice, gradient clipping, device, step and time caps). Build one with
/// <see cref="ConfigLoader"/> from overrides and/or a JSON file, then call <see cref="Validate"/>.
/// </summary>
public sealed record TrainConfig
{
    /// <summary>
    /// Architecture (<c>arch.*</c>): the model's configuration, with the reference's defaults. Its data-shape options
    /// (vocabulary, sequence length, puzzle identifiers, batch rows) are filled from the dataset when the model is built.
    /// </summary>
    public TrmConfig Arch { get; init; } = new();

    /// <summary>Token loss of the ACT loss head (<c>arch.loss.loss_type</c>): stablemax (the reference's default) or softmax cross-entropy.</summary>
    public LossKind LossType { get; init; } = LossKind.StablemaxCrossEntropy;

    /// <summary>Training dataset folders (<c>data_paths</c>).</summary>
    [JsonPropertyName("data_paths")] public IReadOnlyList<string> DataPaths { get; init; } = [];

    /// <summary>Test dataset folders (<c>data_paths_test</c>); empty means the <c>test</c> split of <see cref="DataPaths"/>.</summary>
    [JsonPropertyName("data_paths_test")] public IReadOnlyList<string> DataPathsTest { get; init; } = [];

    /// <summary>Extra evaluators run at every evaluation (<c>evaluators</c>): <c>arc</c> adds ARC pass@1/pass@2 with augmentation voting (<see cref="Evaluation.ArcVotingEvaluator"/>).</summary>
    [JsonPropertyName("evaluators")] public IReadOnlyList<string> Evaluators { get; init; } = [];

    /// <summary>Examples per optimizer step over all ranks (<c>global_batch_size</c>).</summary>
    [JsonPropertyName("global_batch_size")] public int GlobalBatchSize { get; init; } = 768;

    /// <summary>Passes over the training groups (<c>epochs</c>).</summary>
    [JsonPropertyName("epochs")] public int Epochs { get; init; } = 100000;

    /// <summary>The reference's <c>eval_interval</c> (10000 epochs, a tenth of its default <c>epochs</c>).</summary>
    public const int DefaultEvalInterval = 10000;

    /// <summary>
    /// Epochs between evaluations (<c>eval_interval</c>); must divide <see cref="Epochs"/>; <see langword="null"/> evaluates
    /// once at the end. Left at <see cref="DefaultEvalInterval"/> when that does not divide <see cref="Epochs"/>, it is
    /// cleared (see <see cref="ResolveDefaults"/>).
    /// </summary>
    [JsonPropertyName("eval_interval")] public int? EvalInterval { get; init; } = DefaultEvalInterval;

    /// <summary>First evaluation iteration (<c>min_eval_interval</c>).</summary>
    [JsonPropertyName("min_eval_interval")] public int MinEvalInterval { get; init; }

    /// <summary>Save a checkpoint at every evaluation, not only the last (<c>checkpoint_every_eval</c>).</summary>
    [JsonPropertyName("checkpoint_every_eval")] public bool CheckpointEveryEval { get; init; } = true;

    /// <summary>Peak learning rate (<c>lr</c>).</summary>
    [JsonPropertyName("lr")] public double Lr { get; init; } = 1e-4;

    /// <summary>Final learning rate as a fraction of the peak (<c>lr_min_ratio</c>); 1 keeps it constant after warm-up.</summary>
    [JsonPropertyName("lr_min_ratio")] public double LrMinRatio { get; init; } = 1.0;

    /// <summary>Linear warm-up steps (<c>lr_warmup_steps</c>).</summary>
    [JsonPropertyName("lr_warmup_steps")] public int LrWarmupSteps { get; init; } = 2000;

    /// <summary>First-moment decay (<c>beta1</c>).</summary>
    [JsonPropertyName("beta1")] public double Beta1 { get; init; } = 0.9;

    /// <summary>Second-moment decay (<c>beta2</c>).</summary>
    [JsonPropertyName("beta2")] public double Beta2 { get; init; } = 0.95;

    /// <summary>Decoupled weight decay of the network (<c>weight_decay</c>).</summary>
    [JsonPropertyName("weight_decay")] public double WeightDecay { get; init; } = 0.1;

    /// <summary>Decoupled weight decay of the puzzle embeddings (<c>puzzle_emb_weight_decay</c>).</summary>
    [JsonPropertyName("puzzle_emb_weight_decay")] public double PuzzleEmbWeightDecay { get; init; } = 0.1;

    /// <summary>Learning rate of the puzzle embeddings' sign-SGD (<c>puzzle_emb_lr</c>).</summary>
    [JsonPropertyName("puzzle_emb_lr")] public double PuzzleEmbLr { get; init; } = 1e-2;

    /// <summary>Random seed (<c>seed</c>).</summary>
    [JsonPropertyName("seed")] public long Seed { get; init; }

    /// <summary>Keep an exponential moving average of the weights for evaluation and checkpoints (<c>ema</c>).</summary>
    [JsonPropertyName("ema")] public bool Ema { get; init; }

    /// <summary>EMA decay (<c>ema_rate</c>).</summary>
    [JsonPropertyName("ema_rate")] public double EmaRate { get; init; } = 0.999;

    /// <summary>Train only the puzzle embeddings (<c>freeze_weights</c>).</summary>
    [JsonPropertyName("freeze_weights")] public bool FreezeWeights { get; init; }

    /// <summary>Project name (<c>project_name</c>); defaults to the first data folder's name + <c>-ACT-torch</c>.</summary>
    [JsonPropertyName("project_name")] public string? ProjectName { get; init; }

    /// <summary>Run name (<c>run_name</c>, usually given as <c>+run_name=...</c>); defaults to a timestamp.</summary>
    [JsonPropertyName("run_name")] public string? RunName { get; init; }

    /// <summary>Checkpoint (a <c>step_N</c> folder) to resume from (<c>load_checkpoint</c>).</summary>
    [JsonPropertyName("load_checkpoint")] public string? LoadCheckpoint { get; init; }

    /// <summary>Folder of this run's checkpoints (<c>checkpoint_path</c>); defaults to <c>checkpoints/&lt;run_name&gt;</c>.</summary>
    [JsonPropertyName("checkpoint_path")] public string? CheckpointPath { get; init; }

    /// <summary>Optimizer of the network: <c>adam_atan2</c> (the reference's) or <c>adamw</c> (<c>optimizer</c>, ours).</summary>
    [JsonPropertyName("optimizer")] public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamAtan2;

    /// <summary>AdamW epsilon (<c>adam_eps</c>, ours; AdamATan2 has none).</summary>
    [JsonPropertyName("adam_eps")] public double AdamEps { get; init; } = 1e-8;

    /// <summary>Clip the global gradient norm to this value (<c>grad_clip_norm</c>, ours); <see langword="null"/> disables clipping.</summary>
    [JsonPropertyName("grad_clip_norm")] public double? GradClipNorm { get; init; }

    /// <summary>Device: <c>auto</c> (CUDA when available), <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (<c>device</c>, ours).</summary>
    [JsonPropertyName("device")] public string Device { get; init; } = "auto";

    /// <summary>Stop after this many optimizer steps even if epochs remain (<c>max_steps</c>, ours).</summary>
    [JsonPropertyName("max_steps")] public long? MaxSteps { get; init; }

    /// <summary>Stop (with an evaluation and a checkpoint) after this many minutes of training (<c>max_minutes</c>, ours).</summary>
    [JsonPropertyName("max_minutes")] public double? MaxMinutes { get; init; }

    /// <summary>Also evaluate every this many steps (<c>eval_every_steps</c>, ours), in addition to the epoch-based interval.</summary>
    [JsonPropertyName("eval_every_steps")] public long? EvalEverySteps { get; init; }

    /// <summary>Write a checkpoint every this many steps (<c>checkpoint_every_steps</c>, ours).</summary>
    [JsonPropertyName("checkpoint_every_steps")] public long? CheckpointEverySteps { get; init; }

    /// <summary>
    /// Keep only the newest this many complete <c>step_N</c> checkpoints of the run folder (<c>keep_last_checkpoints</c>,
    /// ours), plus the best by evaluation (highest <c>exact_accuracy</c> in <c>metrics.jsonl</c>); older ones are deleted
    /// after each new checkpoint, never the one the run resumed from. <see langword="null"/> keeps all.
    /// </summary>
    [JsonPropertyName("keep_last_checkpoints")] public int? KeepLastCheckpoints { get; init; }

    /// <summary>Cap on test examples per evaluation (<c>eval_max_examples</c>, ours); <see langword="null"/> uses the whole split.</summary>
    [JsonPropertyName("eval_max_examples")] public int? EvalMaxExamples { get; init; }

    /// <summary>
    /// Resolves the defaults that depend on another key — one today: an <see cref="EvalInterval"/> left at
    /// <see cref="DefaultEvalInterval"/> that does not divide <see cref="Epochs"/> (say <c>epochs=7</c> set alone) is
    /// cleared, so the run evaluates once at the end instead of failing on a key the user did not write. Any other value
    /// is the user's own and must divide <see cref="Epochs"/>. <see cref="Validate"/> applies this first, so every path
    /// (overrides, JSON, <c>IConfiguration</c>, the builder) shares the one rule.
    /// </summary>
    /// <param name="note">What was changed, as a sentence for a log line; <see langword="null"/> when nothing was.</param>
    /// <returns>This configuration, or a copy with the dependent defaults resolved.</returns>
    public TrainConfig ResolveDefaults(out string? note)
    {
        if (EvalInterval == DefaultEvalInterval && Epochs > 0 && Epochs % DefaultEvalInterval != 0)
        {
            note = $"eval_interval is left at its default ({DefaultEvalInterval}), which does not divide epochs ({Epochs}): evaluating once at the end (set eval_interval to a divisor of epochs to evaluate more often)";
            return this with { EvalInterval = null };
        }
        note = null;
        return this;
    }

    /// <summary>
    /// Resolves the dependent defaults (<see cref="ResolveDefaults"/>), then validates every field and throws
    /// <see cref="TrmConfigException"/> naming the first bad key.
    /// </summary>
    /// <returns>The configuration to run: this one, or a copy with the dependent defaults resolved.</returns>
    public TrainConfig Validate()
    {
        var resolved = ResolveDefaults(out _);
        if (!ReferenceEquals(resolved, this)) return resolved.Validate();

        static void Require(bool ok, string key, string message)
        {
            if (!ok) throw new TrmConfigException(key, message);
        }

        Require(DataPaths.Count > 0, "data_paths", "at least one dataset folder is required, e.g. data_paths=\"[data/sudoku-small]\"");
        Require(DataPaths.All(p => !string.IsNullOrWhiteSpace(p)), "data_paths", "contains an empty path");
        Require(Evaluators.All(e => Evaluation.ExtraEvaluators.Known.Contains(e, StringComparer.OrdinalIgnoreCase)), "evaluators",
            $"unknown evaluator in [{string.Join(", ", Evaluators)}]; known: {string.Join(", ", Evaluation.ExtraEvaluators.Known)}");
        Require(GlobalBatchSize > 0, "global_batch_size", $"must be positive, got {GlobalBatchSize}");
        Require(Epochs > 0, "epochs", $"must be positive, got {Epochs}");
        Require(EvalInterval is null || EvalInterval > 0, "eval_interval", $"must be positive, got {EvalInterval}");
        Require(EvalInterval is null || Epochs % EvalInterval.Value == 0, "eval_interval", $"must divide epochs ({Epochs}), got {EvalInterval}");
        Require(MinEvalInterval >= 0, "min_eval_interval", $"must be >= 0, got {MinEvalInterval}");
        Require(double.IsFinite(Lr) && Lr >= 0, "lr", $"must be a finite number >= 0, got {Lr}");
        Require(LrMinRatio is >= 0 and <= 1, "lr_min_ratio", $"must be in [0, 1], got {LrMinRatio}");
        Require(LrWarmupSteps >= 0, "lr_warmup_steps", $"must be >= 0, got {LrWarmupSteps}");
        Require(Beta1 is >= 0 and < 1, "beta1", $"must be in [0, 1), got {Beta1}");
        Require(Beta2 is >= 0 and < 1, "beta2", $"must be in [0, 1), got {Beta2}");
        Require(WeightDecay >= 0, "weight_decay", $"must be >= 0, got {WeightDecay}");
        Require(PuzzleEmbWeightDecay >= 0, "puzzle_emb_weight_decay", $"must be >= 0, got {PuzzleEmbWeightDecay}");
        Require(PuzzleEmbLr >= 0, "puzzle_emb_lr", $"must be >= 0, got {PuzzleEmbLr}");
        Require(EmaRate is > 0 and < 1, "ema_rate", $"must be in (0, 1), got {EmaRate}");
        Require(Enum.IsDefined(Optimizer), "optimizer", $"must be adam_atan2 or adamw, got '{Optimizer}'");
        Require(AdamEps > 0, "adam_eps", $"must be positive, got {AdamEps}");
        Require(GradClipNorm is null || GradClipNorm > 0, "grad_clip_norm", $"must be positive, got {GradClipNorm}");
        Require(Device == "auto" || Device == "cpu" || Device.StartsWith("cuda", StringComparison.Ordinal), "device", $"must be auto, cpu, cuda or cuda:N, got '{Device}'");
        Require(MaxSteps is null || MaxSteps > 0, "max_steps", $"must be positive, got {MaxSteps}");
        Require(MaxMinutes is null || MaxMinutes > 0, "max_minutes", $"must be positive, got {MaxMinutes}");
        Require(EvalEverySteps is null || EvalEverySteps > 0, "eval_every_steps", $"must be positive, got {EvalEverySteps}");
        Require(CheckpointEverySteps is null || CheckpointEverySteps > 0, "checkpoint_every_steps", $"must be positive, got {CheckpointEverySteps}");
        Require(KeepLastCheckpoints is null || KeepLastCheckpoints > 0, "keep_last_checkpoints", $"must be positive, got {KeepLastCheckpoints}");
        Require(EvalMaxExamples is null || EvalMaxExamples > 0, "eval_max_examples", $"must be positive, got {EvalMaxExamples}");
        Require(RunName is null || (RunName.Length > 0 && RunName.IndexOfAny(Path.GetInvalidFileNameChars()) < 0), "run_name", $"must be a valid folder name, got '{RunName}'");

        Require(Enum.IsDefined(LossType), "arch.loss.loss_type", $"must be stablemax_cross_entropy or softmax_cross_entropy, got '{LossType}'");
        try
        {
            Arch.Validate(requireDataShape: false);
        }
        catch (TrmConfigException e)
        {
            throw new TrmConfigException("arch." + e.Key, e.Reason, e.Origin, e);
        }
        Require(!FreezeWeights || Arch.EffectivePuzzleEmbNdim > 0, "freeze_weights", "needs puzzle embeddings (arch.puzzle_emb_ndim > 0)");
        return this;
    }

    /// <summary>The run name, defaulting to <c>run-yyyyMMdd-HHmmss</c> (UTC) when none was given.</summary>
    /// <param name="now">The clock reading to name an unnamed run by.</param>
    public string ResolveRunName(DateTimeOffset now) => RunName ?? $"run-{now.UtcDateTime:yyyyMMdd-HHmmss}";

    /// <summary>The checkpoint folder, defaulting to <c>checkpoints/&lt;run_name&gt;</c>.</summary>
    /// <param name="runName">The resolved run name.</param>
    public string ResolveCheckpointPath(string runName) => CheckpointPath ?? Path.Combine("checkpoints", runName);
}
