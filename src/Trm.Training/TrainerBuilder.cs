using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Trm.Core.IO;
using Trm.Data.Puzzles;
using Trm.Model;
using Trm.Model.Checkpoints;
using Trm.Model.Configuration;
using Trm.Torch;
using Trm.Torch.Distributed;
using Trm.Training.Checkpoints;
using Trm.Training.Configuration;
using Trm.Training.Distributed;
using Trm.Training.Evaluation;
using Trm.Training.Language;
using Trm.Training.Losses;
using Trm.Training.Metrics;

namespace Trm.Training;

/// <summary>
/// Fluent builder of a <see cref="Trainer"/>. Start from the reference's defaults, a <see cref="TrainConfig"/>, override
/// tokens or a JSON file, adjust with the typed methods, then <see cref="Build"/>:
/// <code>
/// using var trainer = Trainer.CreateBuilder()
///     .WithData("data/sudoku-small")
///     .WithArchitecture(a => a with { HiddenSize = 128, MlpT = true, PosEncodings = "none" })
///     .WithOptimizer(lr: 1e-3, weightDecay: 1.0)
///     .WithEma()
///     .WithEpochs(2000, evalInterval: 500)
///     .Build();
/// var result = trainer.Run();
/// </code>
/// </summary>
public sealed class TrainerBuilder
{
    private TrainConfig _config = new();
    private ILogger? _logger;
    private string? _metricsPath;
    private bool _metricsDisabled;
    private Device? _device;
    private int _logInterval = 10;
    private bool _resume;
    private PuzzleDataset? _trainData;
    private PuzzleDataset? _testData;
    private TrmModel? _model;
    private ProcessGroup? _group;
    private long _bucketBytes = DataParallel.DefaultBucketBytes;
    private readonly List<EventHandler<MetricsRecord>> _stepHandlers = [];
    private readonly List<EventHandler<EvaluationResult>> _evaluationHandlers = [];
    private readonly List<EventHandler<string>> _checkpointHandlers = [];

    /// <summary>Replaces the whole configuration.</summary>
    /// <param name="config">The configuration (validated at <see cref="Build"/>).</param>
    public TrainerBuilder WithConfig(TrainConfig config)
    {
        _config = config ?? throw new ArgumentNullException(nameof(config));
        return this;
    }

    /// <summary>Applies the reference's override tokens (<c>lr=1e-4 arch.L_cycles=6 +run_name=x</c>).</summary>
    /// <param name="overrides">Override tokens.</param>
    public TrainerBuilder WithOverrides(params IEnumerable<string> overrides)
    {
        _config = ConfigLoader.ApplyOverrides(_config, overrides);
        return this;
    }

    /// <summary>Reads a JSON configuration file (replacing the current configuration).</summary>
    /// <param name="path">The JSON file.</param>
    public TrainerBuilder WithConfigFile(string path)
    {
        _config = ConfigLoader.FromJsonFile(path);
        return this;
    }

    /// <summary>Changes the configuration with a function (<c>c =&gt; c with { ... }</c>).</summary>
    /// <param name="change">Returns the new configuration.</param>
    public TrainerBuilder Configure(Func<TrainConfig, TrainConfig> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _config = ConfigLoader.Track(_config, change(_config));
        return this;
    }

    /// <summary>Sets the training dataset folders (each with <c>train/</c> and <c>test/</c> splits).</summary>
    /// <param name="paths">Dataset folders.</param>
    public TrainerBuilder WithData(params string[] paths) => Configure(c => c with { DataPaths = paths });

    /// <summary>
    /// Trains on datasets already opened in this process (the caller keeps ownership and disposes them). The training set
    /// must be opened with this run's <c>global_batch_size</c> and epochs per pass (<c>eval_interval</c>, or <c>epochs</c>);
    /// the test set, when given, in test mode. <c>data_paths</c> defaults to the training set's folders.
    /// </summary>
    /// <param name="train">The training split.</param>
    /// <param name="test">The evaluation split, or <see langword="null"/> for none.</param>
    public TrainerBuilder WithData(PuzzleDataset train, PuzzleDataset? test = null)
    {
        _trainData = train ?? throw new ArgumentNullException(nameof(train));
        if (test is not null && !test.Options.TestSetMode)
        {
            throw new ArgumentException("the evaluation dataset must be opened with TestSetMode = true", nameof(test));
        }
        _testData = test;
        return this;
    }

    /// <summary>
    /// Trains a model that already exists in this process (e.g. built from a <see cref="TrmConfig"/> or loaded with
    /// <see cref="TrmCheckpoint.LoadModel(Device?, int?)"/>) instead of creating one from the <c>arch</c> settings. The caller keeps
    /// ownership and disposes it after the trainer; its vocabulary, sequence length and puzzle identifiers must match the data.
    /// </summary>
    /// <param name="model">The model to train.</param>
    public TrainerBuilder WithModel(TrmModel model)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        return this;
    }

    /// <summary>Changes the architecture section.</summary>
    /// <param name="change">Returns the new architecture.</param>
    public TrainerBuilder WithArchitecture(Func<TrmConfig, TrmConfig> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return Configure(c => c with { Arch = change(c.Arch) });
    }

    /// <summary>Sets the optimizers' main hyper-parameters; unspecified values keep their current setting.</summary>
    /// <param name="optimizer">The network's optimizer (AdamATan2, the reference's, by default).</param>
    /// <param name="lr">Peak learning rate of the network.</param>
    /// <param name="weightDecay">Decoupled weight decay of the network.</param>
    /// <param name="puzzleEmbLr">Learning rate of the puzzle embeddings.</param>
    /// <param name="puzzleEmbWeightDecay">Weight decay of the puzzle embeddings.</param>
    /// <param name="gradClipNorm">Global gradient-norm clip, or <see langword="null"/> for none.</param>
    public TrainerBuilder WithOptimizer(OptimizerKind? optimizer = null, double? lr = null, double? weightDecay = null, double? puzzleEmbLr = null, double? puzzleEmbWeightDecay = null, double? gradClipNorm = null) =>
        Configure(c => c with
        {
            Optimizer = optimizer ?? c.Optimizer,
            Lr = lr ?? c.Lr,
            WeightDecay = weightDecay ?? c.WeightDecay,
            PuzzleEmbLr = puzzleEmbLr ?? c.PuzzleEmbLr,
            PuzzleEmbWeightDecay = puzzleEmbWeightDecay ?? c.PuzzleEmbWeightDecay,
            GradClipNorm = gradClipNorm ?? c.GradClipNorm,
        });

    /// <summary>Sets the warm-up length and the cosine's final ratio.</summary>
    /// <param name="warmupSteps">Linear warm-up steps.</param>
    /// <param name="minRatio">Final learning rate as a fraction of the peak (1 = constant).</param>
    public TrainerBuilder WithSchedule(int warmupSteps, double minRatio = 1.0) => Configure(c => c with { LrWarmupSteps = warmupSteps, LrMinRatio = minRatio });

    /// <summary>Keeps an EMA of the weights, used for evaluation and saved as the checkpoint's model weights.</summary>
    /// <param name="rate">Decay.</param>
    public TrainerBuilder WithEma(double rate = 0.999) => Configure(c => c with { Ema = true, EmaRate = rate });

    /// <summary>Sets the run length, evaluation interval (in epochs) and batch size.</summary>
    /// <param name="epochs">Total epochs.</param>
    /// <param name="evalInterval">Epochs between evaluations; must divide <paramref name="epochs"/>.</param>
    /// <param name="globalBatchSize">Examples per step, if changed.</param>
    public TrainerBuilder WithEpochs(int epochs, int? evalInterval = null, int? globalBatchSize = null) =>
        Configure(c => c with { Epochs = epochs, EvalInterval = evalInterval, GlobalBatchSize = globalBatchSize ?? c.GlobalBatchSize });

    /// <summary>Caps the run by steps and/or wall time (the schedule still follows the epochs).</summary>
    /// <param name="maxSteps">Step cap.</param>
    /// <param name="maxMinutes">Time cap in minutes.</param>
    public TrainerBuilder WithLimits(long? maxSteps = null, double? maxMinutes = null) => Configure(c => c with { MaxSteps = maxSteps, MaxMinutes = maxMinutes });

    /// <summary>Names the run and sets where its checkpoints go (default <c>checkpoints/&lt;run&gt;</c>).</summary>
    /// <param name="runName">Run name.</param>
    /// <param name="checkpointPath">Checkpoint folder, or <see langword="null"/> for the default.</param>
    public TrainerBuilder WithRun(string runName, string? checkpointPath = null) => Configure(c => c with { RunName = runName, CheckpointPath = checkpointPath ?? c.CheckpointPath });

    /// <summary>
    /// Continues this run from the latest checkpoint of its run folder (<c>checkpoints/&lt;run&gt;</c>); without it, a run
    /// folder that already holds checkpoints or metrics is refused rather than appended to or overwritten.
    /// </summary>
    public TrainerBuilder WithResume()
    {
        _resume = true;
        return this;
    }

    /// <summary>Resumes from a checkpoint folder (<c>step_N</c>) or the latest one of a run folder.</summary>
    /// <param name="checkpoint">Checkpoint or run folder.</param>
    public TrainerBuilder ResumeFrom(string checkpoint) => Configure(c => c with { LoadCheckpoint = checkpoint });

    /// <summary>Writes per-step and evaluation metrics to this JSONL file (default: <c>metrics.jsonl</c> in the checkpoint folder).</summary>
    /// <param name="path">The file, or <see langword="null"/> to write none.</param>
    public TrainerBuilder WithMetricsFile(string? path)
    {
        _metricsPath = path;
        _metricsDisabled = path is null;
        return this;
    }

    /// <summary>Logs progress to <paramref name="logger"/> every <paramref name="interval"/> steps (0 = only evaluations).</summary>
    /// <param name="logger">The logger.</param>
    /// <param name="interval">Steps between log lines.</param>
    public TrainerBuilder WithLogger(ILogger logger, int interval = 10)
    {
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _logInterval = interval;
        return this;
    }

    /// <summary>Runs on <paramref name="device"/> instead of the configuration's <c>device</c>.</summary>
    /// <param name="device">The device.</param>
    public TrainerBuilder WithDevice(Device device)
    {
        _device = device;
        return this;
    }

    /// <summary>
    /// Trains data-parallel over <paramref name="group"/> (every rank builds the same trainer with its own group member):
    /// this rank reads rows [rank·local, (rank+1)·local) of every global batch (<c>global_batch_size</c> stays global,
    /// local = global / world size), rank 0's weights are broadcast, gradients are summed in buckets of
    /// <paramref name="bucketBytes"/>, the puzzle-embedding update is gathered from all ranks, metrics are summed across
    /// ranks, and only rank 0 evaluates and writes checkpoints and metrics. The caller keeps ownership of the group.
    /// </summary>
    /// <param name="group">A Gloo (CPU tensors) or NCCL (CUDA tensors) group.</param>
    /// <param name="bucketBytes">Largest all-reduce bucket of flattened gradients (PyTorch DDP's default: 25 MiB).</param>
    public TrainerBuilder WithProcessGroup(ProcessGroup group, long bucketBytes = 25L * 1024 * 1024)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bucketBytes);
        _group = group;
        _bucketBytes = bucketBytes;
        return this;
    }

    /// <summary>Calls <paramref name="handler"/> after every optimizer step.</summary>
    /// <param name="handler">Receives the step's metrics.</param>
    public TrainerBuilder OnStep(Action<MetricsRecord> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _stepHandlers.Add((_, m) => handler(m));
        return this;
    }

    /// <summary>Calls <paramref name="handler"/> after every evaluation.</summary>
    /// <param name="handler">Receives the result.</param>
    public TrainerBuilder OnEvaluation(Action<EvaluationResult> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _evaluationHandlers.Add((_, r) => handler(r));
        return this;
    }

    /// <summary>Calls <paramref name="handler"/> after every checkpoint.</summary>
    /// <param name="handler">Receives the checkpoint folder.</param>
    public TrainerBuilder OnCheckpoint(Action<string> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _checkpointHandlers.Add((_, d) => handler(d));
        return this;
    }

    /// <summary>Validates the configuration, opens the datasets, builds the model and optimizers, and resumes when asked.</summary>
    /// <exception cref="TrmConfigException">The configuration is invalid.</exception>
    /// <exception cref="Trm.Data.TrmDataException">A dataset is missing or malformed.</exception>
    /// <exception cref="TrmCheckpointException">The checkpoint to resume from is corrupted or does not fit.</exception>
    public Trainer Build()
    {
        var config = _config;
        if (_trainData is not null && config.DataPaths.Count == 0) config = ConfigLoader.Track(config, config with { DataPaths = _trainData.Options.DatasetPaths });
        if (_model is not null) config = ConfigLoader.Track(config, config with { Arch = _model.Config with { VocabSize = 0, SeqLen = 0, NumPuzzleIdentifiers = 1, BatchSize = null } });
        var kind = _trainData is not null ? TrainingDataKind.Puzzle : LanguageModelTask.Detect(config.DatasetList.Count > 0 ? config.DatasetList : config.DataPaths);
        if (kind != TrainingDataKind.Puzzle && !config.Arch.Causal)
        {
            // A chat dataset or token streams train the causal chat model: what was left at the puzzle defaults takes arch=trm_chat's value.
            config = ConfigLoader.ForLanguageModel(config);
            _logger?.LogInformation("data_paths holds {Kind}: training the causal chat model (arch=trm_chat's values for every key left at its puzzle default)", LanguageModelTask.Describe(kind));
        }
        config = config.Validate();
        if (kind == TrainingDataKind.Puzzle && config.GradientAccumulationSteps != 1)
        {
            throw new TrmConfigException("gradient_accumulation_steps", $"is {config.GradientAccumulationSteps}, but puzzle training takes one batch per step (its ACT carry persists from batch to batch); accumulation is for language modelling");
        }
        if (kind != TrainingDataKind.Puzzle)
        {
            if (!config.Arch.Causal) throw new TrmConfigException("arch.causal", $"must be true to train a language model on {LanguageModelTask.Describe(kind)}");
            if (config.Arch.PuzzleEmbPositions != 0) throw new TrmConfigException("arch.puzzle_emb_ndim", $"must be 0 to train a language model on {LanguageModelTask.Describe(kind)} (there are no puzzle identifiers)");
            if (config.FreezeWeights) throw new TrmConfigException("freeze_weights", "needs puzzle embeddings; a language model has none");
        }
        int rank = _group?.Rank ?? 0, worldSize = _group?.WorldSize ?? 1;
        if (config.GlobalBatchSize % worldSize != 0)
            throw new TrmConfigException("global_batch_size", $"is {config.GlobalBatchSize}, not a multiple of the {worldSize} ranks");
        var device = _device ?? ResolveDevice(config.Device);
        var runName = config.ResolveRunName(DateTimeOffset.UtcNow);
        var checkpointRoot = config.ResolveCheckpointPath(runName);
        config = config with { RunName = runName };
        var metricsPath = _metricsDisabled || rank != 0 ? null : _metricsPath ?? Path.Combine(checkpointRoot, "metrics.jsonl");
        // Only rank 0 writes to the run folder, so only rank 0 locks it.
        var created = !Directory.Exists(checkpointRoot);
        var runLock = rank == 0 ? RunFolder.Acquire(checkpointRoot, metricsPath, _logger ?? NullLogger.Instance) : null;
        try
        {
            return BuildLocked(config, kind, device, runName, checkpointRoot, metricsPath, rank, worldSize, runLock);
        }
        catch
        {
            runLock?.Dispose();
            if (created) RunFolder.DeleteIfEmpty(checkpointRoot);
            throw;
        }
    }

    private Trainer BuildLocked(TrainConfig config, TrainingDataKind kind, Device device, string runName, string checkpointRoot, string? metricsPath, int rank, int worldSize, DirectoryLock? runLock)
    {
        if (_resume && config.LoadCheckpoint is null)
        {
            config = config with
            {
                LoadCheckpoint = TrmCheckpoint.FindLatest(checkpointRoot) is not null ? checkpointRoot
                : throw new TrmCheckpointException(checkpointRoot, "nothing to resume: the run folder holds no complete step_N checkpoint")
            };
        }
        else if (config.LoadCheckpoint is null && rank == 0 && RunFolderInUse(checkpointRoot))
        {
            throw new TrmCheckpointException(checkpointRoot,
                $"run '{runName}' already exists; resume it (trm train ... --resume, or TrainerBuilder.WithResume()) or choose another run name (+run_name=...)");
        }
        Engine.ManualSeed(config.Seed);
        if (kind != TrainingDataKind.Puzzle) return BuildLanguageModel(config, kind, device, runName, checkpointRoot, metricsPath, runLock);

        var train = _trainData ?? PuzzleDataset.Open(new PuzzleDatasetOptions
        {
            DatasetPaths = config.DataPaths,
            Split = "train",
            Seed = config.Seed,
            GlobalBatchSize = config.GlobalBatchSize,
            EpochsPerIteration = config.EvalInterval ?? config.Epochs,
            Rank = rank,
            WorldSize = worldSize,
        });
        if (_trainData is not null)
        {
            if (_trainData.Options.GlobalBatchSize != config.GlobalBatchSize)
                throw new TrmConfigException("global_batch_size", $"is {config.GlobalBatchSize} but the training dataset was opened with GlobalBatchSize {_trainData.Options.GlobalBatchSize}");
            if (_trainData.Options.EpochsPerIteration != (config.EvalInterval ?? config.Epochs))
                throw new TrmConfigException("eval_interval", $"gives {config.EvalInterval ?? config.Epochs} epochs per pass but the training dataset was opened with EpochsPerIteration {_trainData.Options.EpochsPerIteration}");
        }
        PuzzleDataset? test = _testData;
        ActLossHead? head = null;
        try
        {
            var testPaths = config.DataPathsTest.Count > 0 ? config.DataPathsTest : config.DataPaths;
            if (_trainData is null && rank == 0 && testPaths.All(p => Directory.Exists(Path.Combine(p, "test"))))
            {
                test = PuzzleDataset.Open(new PuzzleDatasetOptions
                {
                    DatasetPaths = testPaths,
                    Split = "test",
                    Seed = config.Seed,
                    GlobalBatchSize = config.GlobalBatchSize,
                    TestSetMode = true,
                });
            }
            var meta = train.Metadata;
            var modelConfig = (config.Arch with
            {
                VocabSize = meta.VocabSize,
                SeqLen = meta.SeqLen,
                NumPuzzleIdentifiers = meta.NumPuzzleIdentifiers,
                BatchSize = config.GlobalBatchSize / worldSize,
            }).ForDevice(device);
            if (_model is not null && (_model.Config.VocabSize != meta.VocabSize || _model.Config.SeqLen != meta.SeqLen || _model.Config.NumPuzzleIdentifiers < meta.NumPuzzleIdentifiers))
            {
                throw new TrmConfigException("arch", $"the given model has vocab_size {_model.Config.VocabSize}, seq_len {_model.Config.SeqLen}, num_puzzle_identifiers {_model.Config.NumPuzzleIdentifiers}; the data has {meta.VocabSize}, {meta.SeqLen}, {meta.NumPuzzleIdentifiers}");
            }
            var model = _model ?? new TrmModel(modelConfig, new Generator(config.Seed));
            model.To(device);
            // Each rank explores with its own stream, as the reference seeds each rank differently (rank 0 = one process).
            model.ExplorationGenerator = new Generator(config.Seed + 1 + rank);
            head = new ActLossHead(model, config.LossType);

            var settings = Settings(config, device, runName, checkpointRoot, metricsPath, rank, head, runLock) with
            {
                Train = train,
                Test = test,
                OwnsData = _trainData is null,
            };
            return CreateTrainer(settings);
        }
        catch when (head is null)
        {
            if (_trainData is null)
            {
                train.Dispose();
                test?.Dispose();
            }
            throw;
        }
    }

    /// <summary>The language-model half of <see cref="Build"/>: opens the chat dataset or token streams and builds the causal model.</summary>
    private Trainer BuildLanguageModel(TrainConfig config, TrainingDataKind kind, Device device, string runName, string checkpointRoot, string? metricsPath, DirectoryLock? runLock)
    {
        var lm = LanguageModelTask.Open(config, kind, _model?.Config.SeqLen, _logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        ActLossHead? head = null;
        try
        {
            if (_model is not null && (_model.Config.VocabSize != lm.VocabSize || _model.Config.SeqLen < lm.BlockSize))
            {
                throw new TrmConfigException("arch", $"the given model has vocab_size {_model.Config.VocabSize} and seq_len {_model.Config.SeqLen}; the data needs vocab_size {lm.VocabSize} and {lm.BlockSize} positions (block_size)");
            }
            var modelConfig = (config.Arch with { VocabSize = lm.VocabSize, SeqLen = lm.BlockSize, NumPuzzleIdentifiers = 1, BatchSize = null }).ForDevice(device);
            var model = _model ?? new TrmModel(modelConfig, new Generator(config.Seed));
            model.To(device);
            model.ExplorationGenerator = new Generator(config.Seed + 1);
            head = new ActLossHead(model, config.LossType);
            return CreateTrainer(Settings(config, device, runName, checkpointRoot, metricsPath, rank: 0, head, runLock) with { Language = lm });
        }
        catch when (head is null)
        {
            lm.Dispose();
            throw;
        }
    }

    private TrainerSettings Settings(TrainConfig config, Device device, string runName, string checkpointRoot, string? metricsPath, int rank, ActLossHead head, DirectoryLock? runLock)
    {
        // Retention never deletes the checkpoint this run resumed from, nor the best one by evaluation.
        var resumedFrom = config.LoadCheckpoint is { } resume ? TrmCheckpoint.Resolve(resume) : null;
        return new()
        {
            Config = config,
            Device = device,
            RunName = runName,
            CheckpointRoot = checkpointRoot,
            MetricsPath = metricsPath,
            Logger = _logger,
            LogInterval = _logInterval,
            Head = head,
            OwnsModel = _model is null,
            StepHandlers = _stepHandlers,
            EvaluationHandlers = _evaluationHandlers,
            CheckpointHandlers = config.KeepLastCheckpoints is { } keep && rank == 0
                ? [.. _checkpointHandlers, (_, _) => CheckpointRetention.Prune(checkpointRoot, keep, [resumedFrom, CheckpointRetention.BestByEvaluation(checkpointRoot, metricsPath)], _logger ?? NullLogger.Instance)]
                : _checkpointHandlers,
            RunLock = runLock,
            ProcessGroup = _group,
            BucketBytes = _bucketBytes,
        };
    }

    private static Trainer CreateTrainer(TrainerSettings settings)
    {
        var trainer = new Trainer(settings);
        if (settings.Config.LoadCheckpoint is { } resume)
        {
            try
            {
                trainer.LoadCheckpoint(TrmCheckpoint.Resolve(resume));
            }
            catch
            {
                trainer.Dispose();
                throw;
            }
        }
        return trainer;
    }

    private static bool RunFolderInUse(string checkpointRoot) =>
        Directory.Exists(checkpointRoot)
        && (File.Exists(Path.Combine(checkpointRoot, "metrics.jsonl")) || Directory.EnumerateDirectories(checkpointRoot, "step_*").Any());

    /// <summary>Turns <c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> into a device, checking that a CUDA device can be used here.</summary>
    /// <param name="name">The device setting.</param>
    /// <exception cref="FormatException">The text names no known device.</exception>
    /// <exception cref="NotSupportedException">A CUDA device was asked for on a build without CUDA or a machine without that GPU.</exception>
    public static Device ResolveDevice(string name)
    {
        if (name == "auto") return Trm.Torch.Cuda.CudaDevice.IsAvailable ? Device.Cuda(0) : Device.Cpu;
        var device = Device.Parse(name);
        Trm.Torch.Cuda.CudaDevice.EnsureAvailable(device);
        return device;
    }
}

/// <summary>Everything the builder hands the trainer: puzzle data (<see cref="Train"/>, <see cref="Test"/>) or a language-model task.</summary>
internal sealed record TrainerSettings
{
    public required TrainConfig Config { get; init; }
    public required Device Device { get; init; }
    public required string RunName { get; init; }
    public required string CheckpointRoot { get; init; }
    public string? MetricsPath { get; init; }
    public ILogger? Logger { get; init; }
    public int LogInterval { get; init; }
    public PuzzleDataset? Train { get; init; }
    public LanguageModelTask? Language { get; init; }
    public PuzzleDataset? Test { get; init; }
    public required ActLossHead Head { get; init; }
    public bool OwnsData { get; init; } = true;
    public bool OwnsModel { get; init; } = true;
    public required IReadOnlyList<EventHandler<MetricsRecord>> StepHandlers { get; init; }
    public required IReadOnlyList<EventHandler<EvaluationResult>> EvaluationHandlers { get; init; }
    public required IReadOnlyList<EventHandler<string>> CheckpointHandlers { get; init; }
    public ProcessGroup? ProcessGroup { get; init; }
    public long BucketBytes { get; init; } = DataParallel.DefaultBucketBytes;
    public DirectoryLock? RunLock { get; init; }
}
