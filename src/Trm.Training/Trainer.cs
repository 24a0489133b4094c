using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Trm.Data.Puzzles;
using Trm.Model;
using Trm.Model.Checkpoints;
using Trm.Model.Configuration;
using Trm.Torch;
using Trm.Torch.Optim;
using Trm.Torch.Serialization;
using Trm.Training.Checkpoints;
using Trm.Training.Configuration;
using Trm.Training.Distributed;
using Trm.Training.Evaluation;
using Trm.Training.Language;
using Trm.Training.Losses;
using Trm.Training.Metrics;
using Trm.Training.Optim;

namespace Trm.Training;

/// <summary>
/// Trains a TRM on a puzzle dataset the way the reference's <c>pretrain.py</c> does: the ACT carry persists across
/// batches, <c>loss / global_batch_size</c> is back-propagated, the network takes an AdamATan2 (or AdamW) step and the
/// puzzle embeddings a sign-SGD step under a warm-up + cosine schedule, an EMA of the weights is kept, the test split is
/// evaluated every <c>eval_interval</c> epochs and checkpoints are written under <c>checkpoints/&lt;run&gt;/step_N</c>.
/// Resuming from a checkpoint reproduces the uninterrupted run exactly on CPU. With a process group
/// (<see cref="TrainerBuilder.WithProcessGroup"/>) it trains data-parallel: each rank takes its slice of every global
/// batch and the ranks stay in lockstep (see docs/distributed.md); only rank 0 writes checkpoints and metrics.
/// Create one with <see cref="CreateBuilder"/>.
/// Not thread-safe.
/// </summary>
public sealed class Trainer : IDisposable
{
    private static readonly JsonSerializerOptions StateJson = new() { WriteIndented = true, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    private readonly ILogger _logger;
    private readonly PuzzleDataset? _train;
    private readonly LanguageModelTask? _lm;
    private bool _pendingPassEnd;
    private long _nonFiniteSteps;
    private int _consecutiveNonFinite;
    private readonly PuzzleDataset? _test;
    private readonly ActLossHead _head;
    private readonly Optimizer? _optimizer;
    private readonly SparseEmbeddingSignSgd? _embeddingOptimizer;
    private readonly ExponentialMovingAverage? _ema;
    private readonly WarmupCosineSchedule _schedule;
    private readonly WarmupCosineSchedule _embeddingSchedule;
    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly string? _metricsPath;
    private MetricsJsonlWriter? _metrics;
    private readonly int _logInterval;
    private readonly Stopwatch _clock = new();
    private readonly RunningMetrics _recent = new(50);
    private double _elapsedBefore;
    private TrmCarry? _carry;
    private IEnumerator<PuzzleBatch>? _batches;
    private long _iteration;
    private PuzzleIteratorState _dataState = PuzzleIteratorState.Start;
    private bool _disposed;
    private long _resumedStep = -1;
    private readonly bool _ownsModel;
    private readonly bool _ownsData;
    private readonly DataParallel? _ddp;
    private readonly Trm.Core.IO.DirectoryLock? _runLock;

    internal Trainer(TrainerSettings settings)
    {
        Config = settings.Config;
        _logger = settings.Logger ?? NullLogger.Instance;
        Device = settings.Device;
        RunName = settings.RunName;
        CheckpointRoot = settings.CheckpointRoot;
        _logInterval = settings.LogInterval;
        _train = settings.Train;
        _test = settings.Test;
        _lm = settings.Language;
        _head = settings.Head;
        _ownsModel = settings.OwnsModel;
        _ownsData = settings.OwnsData;
        ModelConfig = _head.Model.Config;
        EpochsPerIteration = Config.EvalInterval ?? Config.Epochs;
        if (_lm is null)
        {
            var meta = _train!.Metadata;
            TotalSteps = (long)(Config.Epochs * (double)meta.TotalGroups * meta.MeanPuzzleExamples / Config.GlobalBatchSize);
        }
        else
        {
            // A pass (eval_interval epochs) of micro-batches, gradient_accumulation_steps of them per step (the last step of a pass may take fewer).
            long stepsPerPass = (_lm.Train.MicroBatchesPerPass + Config.GradientAccumulationSteps - 1) / Config.GradientAccumulationSteps;
            TotalSteps = Config.Epochs / EpochsPerIteration * stepsPerPass;
        }
        StepLimit = Math.Min(TotalSteps, Config.MaxSteps ?? long.MaxValue);

        _parameters = [.. _head.Parameters().Where(p => p.RequiresGrad)];
        if (settings.ProcessGroup is { } group)
        {
            _ddp = new DataParallel(group, settings.BucketBytes);
            _ddp.Broadcast(_head.StateDict().Values);
        }
        if (Config.FreezeWeights)
        {
            foreach (var p in _parameters) p.RequiresGrad = false;
        }
        else if (Config.Optimizer == OptimizerKind.AdamW)
        {
            _optimizer = new AdamW(_parameters, Config.Lr, Config.Beta1, Config.Beta2, Config.AdamEps, Config.WeightDecay);
        }
        else
        {
            _optimizer = new AdamAtan2(_parameters, Config.Lr, Config.Beta1, Config.Beta2, Config.WeightDecay);
        }
        if (_head.Model.PuzzleEmbedding is { } puzzleEmbedding)
        {
            _embeddingOptimizer = new SparseEmbeddingSignSgd(puzzleEmbedding.Weights, Config.PuzzleEmbLr, Config.PuzzleEmbWeightDecay);
        }
        _schedule = new WarmupCosineSchedule(Config.Lr, Config.LrWarmupSteps, TotalSteps, Config.LrMinRatio);
        _embeddingSchedule = _schedule with { BaseLr = Config.PuzzleEmbLr };
        _ema = Config.Ema ? new ExponentialMovingAverage(_head, Config.EmaRate) : null;
        _metricsPath = settings.MetricsPath;
        foreach (var handler in settings.StepHandlers) StepCompleted += handler;
        foreach (var handler in settings.EvaluationHandlers) EvaluationCompleted += handler;
        foreach (var handler in settings.CheckpointHandlers) CheckpointSaved += handler;
        _runLock = settings.RunLock;
    }

    /// <summary>Starts a fluent builder.</summary>
    public static TrainerBuilder CreateBuilder() => new();

    /// <summary>Raised after every optimizer step with that step's metrics.</summary>
    public event EventHandler<MetricsRecord>? StepCompleted;

    /// <summary>Raised after every evaluation.</summary>
    public event EventHandler<EvaluationResult>? EvaluationCompleted;

    /// <summary>Raised after a checkpoint folder is written (argument: its path).</summary>
    public event EventHandler<string>? CheckpointSaved;

    /// <summary>The validated training configuration.</summary>
    public TrainConfig Config { get; }

    /// <summary>The model's configuration.</summary>
    public TrmConfig ModelConfig { get; }

    /// <summary>The model being trained (its loss head is internal to the trainer).</summary>
    public TrmModel Model => _head.Model;

    /// <summary>Device the model runs on.</summary>
    public Device Device { get; }

    /// <summary>This run's name.</summary>
    public string RunName { get; }

    /// <summary>Folder of this run's <c>step_N</c> checkpoints.</summary>
    public string CheckpointRoot { get; }

    /// <summary>The training split's metadata (puzzle runs).</summary>
    /// <exception cref="InvalidOperationException">This run trains a language model (see <see cref="DataKind"/>).</exception>
    public PuzzleDatasetMetadata TrainMetadata => _train?.Metadata
        ?? throw new InvalidOperationException($"run {RunName} trains a language model on {LanguageModelTask.Describe(DataKind)}; it has no puzzle metadata");

    /// <summary>What the run trains on: puzzles (the TRM with ACT) or language-model data (the causal model).</summary>
    public TrainingDataKind DataKind => _lm?.Kind ?? TrainingDataKind.Puzzle;

    /// <summary>Optimizer steps skipped so far because their gradient was not finite.</summary>
    public long NonFiniteSteps => _nonFiniteSteps;

    private bool HasTest => _lm is not null ? _lm.HasEvaluation && Rank == 0 : _test is not null;

    /// <summary>Optimizer steps taken.</summary>
    public long Step { get; private set; }

    /// <summary>This process's rank (0 without a process group).</summary>
    public int Rank => _ddp?.Rank ?? 0;

    /// <summary>Number of data-parallel ranks (1 without a process group).</summary>
    public int WorldSize => _ddp?.WorldSize ?? 1;

    /// <summary>Seconds this rank has spent in gradient all-reduces (0 without a process group).</summary>
    public double AllReduceSeconds => _ddp?.AllReduceSeconds ?? 0;

    /// <summary>Steps of the full schedule: <c>epochs · total_groups · mean_puzzle_examples / global_batch_size</c>.</summary>
    public long TotalSteps { get; }

    /// <summary>Steps this run stops at: <see cref="TotalSteps"/> capped by <c>max_steps</c>.</summary>
    public long StepLimit { get; }

    /// <summary>Epochs per pass of the training iterator (<c>eval_interval</c>, or all epochs).</summary>
    public int EpochsPerIteration { get; }

    /// <summary>The learning rate of the network at <paramref name="step"/>.</summary>
    /// <param name="step">Optimizer step (1-based).</param>
    public double LearningRateAt(long step) => _schedule.LearningRate(step);

    /// <summary>
    /// Trains until the step limit, the epochs, <c>max_minutes</c> or cancellation, evaluating and checkpointing on the
    /// configured schedule; always evaluates and checkpoints at the end.
    /// </summary>
    /// <param name="progress">Receives a report after every step and phase change.</param>
    /// <param name="cancellationToken">Stops the run after the current step (a final checkpoint is still written).</param>
    public TrainingResult Run(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var totalIterations = Config.Epochs / EpochsPerIteration;
        var deadline = Config.MaxMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : (TimeSpan?)null;
        EvaluationResult? lastEval = null;
        string? lastCheckpoint = null;
        MetricsRecord? latest = null;
        var stopReason = "completed all epochs";
        _clock.Start();
        if (!HasTest && Rank == 0) _logger.LogWarning("No test split under the data paths: training without evaluation");
        _logger.LogInformation("Training {Run}: {Steps} steps ({Epochs} epochs, batch {Batch}) on {Device}", RunName, StepLimit, Config.Epochs, Config.GlobalBatchSize, Device);

        var stop = false;
        while (!stop && _iteration < totalIterations)
        {
            var passEnded = false;
            while (true)
            {
                if (Step >= StepLimit) { stop = true; stopReason = Config.MaxSteps is { } m && m <= TotalSteps ? "reached max_steps" : "reached the schedule's total steps"; break; }
                var cancelled = cancellationToken.IsCancellationRequested;
                var late = deadline is { } d && Elapsed >= d;
                if (_ddp is not null && (deadline is not null || cancellationToken.CanBeCanceled))
                {
                    // Every rank must stop at the same step, or the others would wait in the next collective.
                    late = _ddp.Any(late);
                    cancelled = !late && _ddp.Any(cancelled);
                }
                if (cancelled) { stop = true; stopReason = "cancelled"; break; }
                if (late) { stop = true; stopReason = "reached max_minutes"; break; }
                latest = TrainStep(out passEnded);
                if (passEnded) break;
                progress?.Report(new TrainingProgress(TrainingPhase.Training, Step, StepLimit, Elapsed, latest, _recent.Snapshot()));
                if (Config.EvalEverySteps is { } ev && Step % ev == 0 && Step < StepLimit && HasTest)
                {
                    progress?.Report(new TrainingProgress(TrainingPhase.Evaluating, Step, StepLimit, Elapsed, latest));
                    lastEval = Evaluate(cancellationToken);
                }
                if (Config.CheckpointEverySteps is { } ce && Step % ce == 0 && Step < StepLimit)
                {
                    lastCheckpoint = SaveCheckpoint();
                }
            }

            if (passEnded) _iteration++;
            var last = stop || _iteration >= totalIterations;
            if (passEnded && _iteration - 1 < Config.MinEvalInterval && !last) continue;
            if (!passEnded && !stop) continue;
            progress?.Report(new TrainingProgress(TrainingPhase.Evaluating, Step, StepLimit, Elapsed, latest));
            if (!HasTest)
            {
                if (Rank == 0) _logger.LogWarning("No test split found; skipping evaluation at step {Step}", Step);
            }
            else if (lastEval?.Step != Step || stop) lastEval = Evaluate(cancellationToken.IsCancellationRequested ? CancellationToken.None : cancellationToken);
            if (Config.CheckpointEveryEval || last)
            {
                progress?.Report(new TrainingProgress(TrainingPhase.Checkpointing, Step, StepLimit, Elapsed, latest));
                lastCheckpoint = SaveCheckpoint();
            }
        }
        _clock.Stop();
        progress?.Report(new TrainingProgress(TrainingPhase.Done, Step, StepLimit, Elapsed, latest));
        _logger.LogInformation("Training {Run} stopped at step {Step}: {Reason}", RunName, Step, stopReason);
        return new TrainingResult(Step, Elapsed, stopReason, latest, lastEval, lastCheckpoint);
    }

    /// <summary>Runs <see cref="Run"/> on a worker thread.</summary>
    /// <param name="progress">Receives progress reports.</param>
    /// <param name="cancellationToken">Stops the run after the current step.</param>
    public Task<TrainingResult> RunAsync(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => Run(progress, cancellationToken), CancellationToken.None);

    /// <summary>Takes one optimizer step on the next training batch and returns its metrics.</summary>
    public MetricsRecord TrainStep()
    {
        while (true)
        {
            var record = TrainStep(out var passEnded);
            if (!passEnded) return record!;
            _iteration++;
        }
    }

    private TimeSpan Elapsed => TimeSpan.FromSeconds(_elapsedBefore) + _clock.Elapsed;

    private MetricsRecord? TrainStep(out bool passEnded)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_lm is not null) return LanguageModelStep(_lm, out passEnded);
        _batches ??= _train!.EnumerateBatches().GetEnumerator();
        if (!_batches.MoveNext())
        {
            _batches.Dispose();
            _batches = null;
            passEnded = true;
            return null;
        }
        passEnded = false;
        var batch = _batches.Current;
        var started = Stopwatch.GetTimestamp();
        Step++;
        _head.Train();

        Dictionary<string, double> values;
        double lr, embeddingLr, gradNorm;
        using (var scope = Engine.NewDisposeScope())
        {
            using var trmBatch = PuzzleTensors.ToTrmBatch(batch, Device);
            _carry ??= _head.InitialCarry(trmBatch);
            using var result = _head.Forward(_carry, trmBatch);
            _carry.Dispose();
            _carry = result.Carry;
            (result.Loss / (double)Config.GlobalBatchSize).Backward();

            lr = _schedule.LearningRate(Step);
            embeddingLr = _embeddingSchedule.LearningRate(Step);
            ApplyUpdate(lr, embeddingLr, out gradNorm);
            values = PuzzleTensors.ReadScalars(result.Metrics);
        }
        if (_ddp is not null)
        {
            // Metric sums over the whole global batch (the reference reduces them to rank 0; every rank gets them here).
            var names = values.Keys.Order(StringComparer.Ordinal).ToArray();
            var sums = _ddp.SumAcrossRanks([.. names.Select(n => values[n])]);
            values = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => sums[x.i]);
        }

        // The reference's reduction: losses per global batch, the rest per halted example.
        var count = Math.Max(values.GetValueOrDefault("count"), 1);
        var reported = new Dictionary<string, double>();
        foreach (var (name, value) in values)
        {
            reported[name] = name == "count" ? value : value / (name.EndsWith("loss", StringComparison.Ordinal) ? Config.GlobalBatchSize : count);
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        reported["lr"] = lr;
        reported["grad_norm"] = gradNorm;
        reported["nonfinite_steps"] = _nonFiniteSteps;
        reported["examples_per_second"] = batch.EffectiveBatchSize / Math.Max(seconds, 1e-9); // the global batch's examples
        reported["step_seconds"] = seconds;
        var record = new MetricsRecord(Step, "train", reported);
        _dataState = batch.Next;
        WriteMetrics(record);
        _recent.Add(record);
        if (_logInterval > 0 && (Step % _logInterval == 0 || Step == 1))
        {
            var recent = _recent.Snapshot();
            _logger.LogInformation("step {Step}/{Total} (last {Window} steps) lm_loss {Loss:F4} acc {Acc:P1} exact {Exact:P1} halt_acc {Halt:P1} steps {Steps:F2} lr {Lr:E2} {Rate:F0} ex/s",
                Step, StepLimit, Math.Min(Step, 50), recent["lm_loss"], recent["accuracy"], recent["exact_accuracy"], recent["q_halt_accuracy"], recent["steps"], lr, recent["examples_per_second"]);
        }
        StepCompleted?.Invoke(this, record);
        return record;
    }

    /// <summary>
    /// One language-model step: up to <c>gradient_accumulation_steps</c> micro-batches forward and backward, each loss
    /// divided by the step's counted tokens (so accumulating equals one batch of all the rows), then the shared update.
    /// </summary>
    private MetricsRecord? LanguageModelStep(LanguageModelTask lm, out bool passEnded)
    {
        passEnded = false;
        if (_pendingPassEnd)
        {
            _pendingPassEnd = false;
            passEnded = true;
            return null;
        }
        var batches = new List<LmBatch>(Config.GradientAccumulationSteps);
        while (batches.Count < Config.GradientAccumulationSteps)
        {
            var next = lm.Train.Next();
            if (next is null)
            {
                _pendingPassEnd = true;
                break;
            }
            batches.Add(next);
        }
        if (batches.Count == 0)
        {
            _pendingPassEnd = false;
            passEnded = true;
            return null;
        }
        var started = Stopwatch.GetTimestamp();
        Step++;
        _head.Train();
        // Throughput counts the whole global batch (every rank draws it), before this rank takes its slice.
        var globalRows = batches.Sum(b => b.Rows);
        var positions = batches.Sum(b => (long)b.Rows * b.Length);
        if (_ddp is not null)
        {
            // Every rank draws the same global batch (same seed); each trains on its slice of the rows.
            batches = [.. batches.Select(b => b.Slice(b.Rows * Rank / WorldSize, b.Rows * (Rank + 1) / WorldSize)).Where(b => b.Rows > 0)];
        }
        long stepTokens = batches.Sum(b => (long)b.CountedTokens);
        if (_ddp is not null) stepTokens = (long)_ddp.SumAcrossRanks([stepTokens])[0];
        var lr = _schedule.LearningRate(Step);
        double lossSum = 0, gradNorm = 0;
        long tokens = 0, correct = 0;
        using (var scope = Engine.NewDisposeScope())
        {
            if (stepTokens > 0)
            {
                // Each rank divides by the global token count, so the summed gradients equal one process's.
                (lossSum, tokens, correct) = lm.ForwardBackward(_head.Model, batches, stepTokens, Device);
                ApplyUpdate(lr, 0, out gradNorm);
                if (_ddp is not null)
                {
                    var sums = _ddp.SumAcrossRanks([lossSum, tokens, correct]);
                    (lossSum, tokens, correct) = (sums[0], (long)sums[1], (long)sums[2]);
                }
            }
            else
            {
                _logger.LogWarning("step {Step}: no trained tokens in the batch (every row is prompt or padding); no update", Step);
            }
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var loss = tokens == 0 ? double.NaN : lossSum / tokens;
        var record = new MetricsRecord(Step, "train", new Dictionary<string, double>
        {
            ["lm_loss"] = loss,
            ["perplexity"] = Math.Exp(loss),
            ["accuracy"] = tokens == 0 ? double.NaN : (double)correct / tokens,
            ["count"] = tokens,
            ["lr"] = lr,
            ["grad_norm"] = gradNorm,
            ["nonfinite_steps"] = _nonFiniteSteps,
            ["tokens_per_second"] = positions / Math.Max(seconds, 1e-9),
            ["examples_per_second"] = globalRows / Math.Max(seconds, 1e-9),
            ["step_seconds"] = seconds,
        });
        WriteMetrics(record);
        _recent.Add(record);
        if (_logInterval > 0 && (Step % _logInterval == 0 || Step == 1))
        {
            var recent = _recent.Snapshot();
            _logger.LogInformation("step {Step}/{Total} (last {Window} steps) lm_loss {Loss:F4} ppl {Ppl:F2} acc {Acc:P1} lr {Lr:E2} {Rate:F0} tok/s",
                Step, StepLimit, Math.Min(Step, 50), recent["lm_loss"], Math.Exp(recent["lm_loss"]), recent["accuracy"], lr, recent["tokens_per_second"]);
        }
        StepCompleted?.Invoke(this, record);
        return record;
    }

    /// <summary>
    /// The update shared by puzzles and language modelling, after the backward pass: gradients all-reduced (data
    /// parallel), their global norm measured (and clipped to <c>grad_clip_norm</c>), then — when every gradient is
    /// finite — the puzzle embeddings' sign-SGD step, the optimizer step and the EMA update. A non-finite gradient skips
    /// all of them, is logged and counted, and <c>max_nonfinite_steps</c> of them in a row stop the run.
    /// </summary>
    /// <returns>Whether the weights were updated.</returns>
    /// <exception cref="NonFiniteTrainingException">Too many consecutive non-finite steps.</exception>
    private bool ApplyUpdate(double lr, double embeddingLr, out double gradNorm)
    {
        if (_ddp is not null && !Config.FreezeWeights) _ddp.AllReduceGradients(_parameters);
        gradNorm = _parameters.Count > 0 && !Config.FreezeWeights
            ? Trm.Torch.Optim.GradClip.ClipGradNorm_(_parameters, Config.GradClipNorm ?? double.PositiveInfinity)
            : 0;
        var embeddingGrad = _embeddingOptimizer is not null ? _head.Model.PuzzleEmbedding?.LocalWeights?.Grad : null;
        var finite = double.IsFinite(gradNorm);
        if (embeddingGrad is not null)
        {
            finite &= FiniteCheck.AllFinite(embeddingGrad);
            if (_ddp is not null) finite = !_ddp.Any(!finite); // the embedding gradients are per rank: every rank must decide alike
        }
        if (!finite)
        {
            foreach (var p in _parameters) p.Grad?.Zero_();
            embeddingGrad?.Zero_();
            _nonFiniteSteps++;
            _consecutiveNonFinite++;
            _logger.LogWarning("step {Step}: the gradient is not finite (norm {Norm}); update skipped ({Count} in a row, {Total} in all)", Step, gradNorm, _consecutiveNonFinite, _nonFiniteSteps);
            if (_consecutiveNonFinite >= Config.MaxNonFiniteSteps)
            {
                throw new NonFiniteTrainingException(Step,
                    $"{_consecutiveNonFinite} consecutive steps had non-finite gradients (max_nonfinite_steps = {Config.MaxNonFiniteSteps}); stopping. Lower lr, set grad_clip_norm, or resume from the last checkpoint.");
            }
            return false;
        }
        _consecutiveNonFinite = 0;
        if (_embeddingOptimizer is not null && _head.Model.PuzzleEmbedding is { } embedding && embedding.LocalWeights?.Grad is { } localGrad)
        {
            _embeddingOptimizer.Group.Lr = embeddingLr;
            if (_ddp is null)
            {
                _embeddingOptimizer.Step(localGrad, embedding.LocalIds!);
            }
            else
            {
                // The reference's distributed sign-SGD: every rank applies the same step to the union of all ranks' rows.
                _embeddingOptimizer.Step(_ddp.GatherRows(localGrad), _ddp.GatherRows(embedding.LocalIds!));
            }
            localGrad.Zero_();
        }
        if (_optimizer is not null)
        {
            _optimizer.SetLearningRate(lr);
            _optimizer.Step();
        }
        foreach (var p in _parameters) p.Grad?.Zero_();
        _ema?.Update();
        return true;
    }

    /// <summary>Evaluates on the test split (with the EMA weights when enabled), logs and reports the result.</summary>
    /// <param name="cancellationToken">Stops between ACT steps.</param>
    /// <exception cref="InvalidOperationException">The dataset has no test split.</exception>
    public EvaluationResult Evaluate(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!HasTest)
        {
            throw new InvalidOperationException($"No test split was found under {string.Join(", ", Config.DataPathsTest.Count > 0 ? Config.DataPathsTest : Config.DataPaths)}.");
        }
        var started = Stopwatch.GetTimestamp();
        EvaluationResult result;
        using (_ema?.Apply())
        {
            if (_lm is null)
            {
                result = PuzzleEvaluator.Evaluate(_head, _test!, Device, Step, Config.EvalMaxExamples, cancellationToken);
                result = result with { Values = ExtraEvaluators.Run(Config, _head.Model, _test!, result.Values, cancellationToken) };
            }
            else
            {
                var (lmValues, rows) = _lm.Evaluate(_head.Model, Device, Config.EvalMaxExamples, cancellationToken);
                var finiteLoss = !(lmValues["tokens"] > 0) || double.IsFinite(lmValues["lm_loss"]);
                IReadOnlyList<string> samples = finiteLoss ? _lm.Samples(_head.Model, Config.EvalSamples, Config.EvalSampleTokens, cancellationToken) : [];
                result = new EvaluationResult(Step, rows, lmValues) { Samples = samples };
            }
        }
        var values = new Dictionary<string, double>(result.Values) { ["eval_seconds"] = Stopwatch.GetElapsedTime(started).TotalSeconds };
        result = result with { Values = values };
        WriteMetrics(new MetricsRecord(Step, "eval", values));
        if (_lm is null)
        {
            _logger.LogInformation("eval step {Step}: exact {Exact:P2} acc {Acc:P2} halt_acc {Halt:P1} halt_step {HaltStep:F2} lm_loss {Loss:F4} ({Count} examples)",
                Step, result.ExactAccuracy, result.Accuracy, result.QHaltAccuracy, result.MeanHaltStep, result.LmLoss, result.Examples);
        }
        else
        {
            _logger.LogInformation("eval step {Step}: lm_loss {Loss:F4} ppl {Ppl:F2} token acc {Acc:P2} ({Tokens} tokens, {Count} rows)",
                Step, result.LmLoss, values["perplexity"], result.Accuracy, values["tokens"], result.Examples);
            foreach (var sample in result.Samples) _logger.LogInformation("sample: {Sample}", sample);
        }
        var counted = _lm is null ? result.Examples : (long)values["tokens"];
        if (counted > 0 && !double.IsFinite(result.LmLoss))
        {
            throw new NonFiniteTrainingException(Step, $"the evaluation loss is {result.LmLoss} (non-finite) over {counted} {(_lm is null ? "examples" : "tokens")}; the weights have diverged");
        }
        EvaluationCompleted?.Invoke(this, result);
        return result;
    }

    /// <summary>Writes <c>step_N</c> under <see cref="CheckpointRoot"/> atomically and returns its path.</summary>
    public string SaveCheckpoint()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var directory = Path.Combine(CheckpointRoot, TrmCheckpoint.StepFolderName(Step));
        Dictionary<string, Tensor>? carryTensors = _carry is null ? null : TrainingCheckpoint.CarryTensors(_carry);
        if (_ddp is null) return WriteCheckpoint(directory, carryTensors);
        // The checkpoint holds the global carry (rank order = row order of the global batch), so it resumes on any world size.
        var gathered = carryTensors?.ToDictionary(kv => kv.Key, kv => _ddp.GatherRows(kv.Value));
        var rankRng = GatherExplorationStates();
        try
        {
            if (Rank == 0) WriteCheckpoint(directory, gathered, rankRng);
            _ddp.Group.Barrier();
            return directory;
        }
        finally
        {
            foreach (var t in gathered?.Values.ToArray() ?? []) t.Dispose();
        }
    }

    /// <summary>Every rank's exploration-generator state (rank order), for rank 0 to write; null without a generator.</summary>
    private IReadOnlyList<byte[]>? GatherExplorationStates()
    {
        if (_ddp is null || _head.Model.ExplorationGenerator is not { } generator) return null;
        using var state = generator.GetState();
        using var all = _ddp.GatherRows(state);
        var bytes = all.ToArray<byte>();
        var size = bytes.Length / WorldSize;
        return [.. Enumerable.Range(0, WorldSize).Select(r => bytes[(r * size)..((r + 1) * size)])];
    }

    private static string RankRngKey(int rank) => rank == 0 ? "exploration" : $"exploration_rank{rank}";

    private string WriteCheckpoint(string directory, Dictionary<string, Tensor>? carryTensors, IReadOnlyList<byte[]>? rankRng = null)
    {
        if (Directory.Exists(directory) && Step == _resumedStep)
        {
            // Nothing was trained since this checkpoint was loaded: it already holds this state.
            return directory;
        }
        // Never write weights that are not finite: the last good checkpoint stays the latest.
        RequireFinite(_head.StateDict(), "weight", directory);
        if (_ema is not null)
        {
            using (_ema.Apply()) RequireFinite(_head.StateDict(), "EMA weight", directory);
        }
        var modelJson = ModelConfig.ToReferenceJson();
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "trm",
            ["trm_config"] = modelJson,
            ["step"] = Step.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ema"] = (_ema is not null).ToString(),
        };
        if (_lm?.TokenizerSpec is { } tokenizer) metadata["tokenizer"] = tokenizer;
        TrmCheckpoint.Write(directory, Step, temp =>
        {
            if (_lm?.VocabFile is { } vocab) File.Copy(vocab, Path.Combine(temp, LanguageModelTask.CheckpointVocabFile));
            if (_ema is not null)
            {
                SafeTensors.Save(Path.Combine(temp, TrainingCheckpoint.OnlineFile), _head.StateDict(), metadata);
                using (_ema.Apply())
                {
                    SafeTensors.Save(Path.Combine(temp, TrmCheckpoint.ModelFile), _head.StateDict(), metadata);
                }
            }
            else
            {
                SafeTensors.Save(Path.Combine(temp, TrmCheckpoint.ModelFile), _head.StateDict(), metadata);
            }

            if (_optimizer?.StateDict() is { Tensors.Count: > 0 } optimizerState)
            {
                var optimizerMetadata = optimizerState.ToMetadata();
                optimizerMetadata["optimizer"] = ConfigValue.Spell(Config.Optimizer);
                optimizerMetadata["step"] = Step.ToString(System.Globalization.CultureInfo.InvariantCulture);
                SafeTensors.Save(Path.Combine(temp, TrainingCheckpoint.OptimizerFile), optimizerState.Tensors, optimizerMetadata);
            }
            if (carryTensors is not null)
            {
                SafeTensors.Save(Path.Combine(temp, TrainingCheckpoint.CarryFile), carryTensors);
            }
            var rng = new Dictionary<string, string>();
            if (rankRng is not null)
            {
                for (var r = 0; r < rankRng.Count; r++) rng[RankRngKey(r)] = Convert.ToBase64String(rankRng[r]);
            }
            else if (_head.Model.ExplorationGenerator is { } generator)
            {
                using var state = generator.GetState();
                rng["exploration"] = Convert.ToBase64String(state.ToArray<byte>());
            }
            var trainerState = new TrainerCheckpointState
            {
                Step = Step,
                TotalSteps = TotalSteps,
                Iteration = _iteration,
                DataState = _lm is null ? _dataState.ToString() : (_pendingPassEnd ? PassEndMark : "") + _lm.Train.State,
                NonFiniteSteps = _nonFiniteSteps,
                Rng = rng,
                CarryPolicy = _carry is null ? CarryPolicy.Reset : CarryPolicy.Restore,
                Ema = _ema is not null,
                Config = JsonNode.Parse(ConfigLoader.ToJson(Config)),
                ModelConfig = JsonNode.Parse(modelJson),
                ElapsedSeconds = Elapsed.TotalSeconds,
            };
            File.WriteAllText(Path.Combine(temp, TrainingCheckpoint.TrainerFile), JsonSerializer.Serialize(trainerState, StateJson));
        });
        _logger.LogInformation("Saved checkpoint {Directory}", directory);
        CheckpointSaved?.Invoke(this, directory);
        return directory;
    }

    /// <summary>
    /// Restores model, optimizer, EMA, carry, RNG and data-iterator state from a checkpoint folder written by
    /// <see cref="SaveCheckpoint"/>, after verifying its checksums and that it fits this model.
    /// </summary>
    /// <param name="directory">A <c>step_N</c> folder.</param>
    /// <exception cref="TrmCheckpointException">The checkpoint is corrupted or does not fit.</exception>
    public void LoadCheckpoint(string directory)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        TrmCheckpoint.Verify(directory);
        var statePath = Path.Combine(directory, TrainingCheckpoint.TrainerFile);
        TrainerCheckpointState state;
        try
        {
            state = JsonSerializer.Deserialize<TrainerCheckpointState>(File.ReadAllText(statePath), StateJson)
                ?? throw new TrmCheckpointException(statePath, "empty trainer state");
        }
        catch (JsonException e)
        {
            throw new TrmCheckpointException(statePath, $"malformed trainer state: {e.Message}", e);
        }
        var expectedModel = JsonNode.Parse(ModelConfig.ToReferenceJson());
        if (state.ModelConfig is not null && !JsonNode.DeepEquals(WithoutBatch(state.ModelConfig), WithoutBatch(expectedModel)))
        {
            throw new TrmCheckpointException(directory, $"model configuration differs: checkpoint {state.ModelConfig.ToJsonString()}, this run {expectedModel!.ToJsonString()}");
        }

        var weightsFile = state.Ema ? TrainingCheckpoint.OnlineFile : TrmCheckpoint.ModelFile;
        TrainingCheckpoint.LoadWeights(_head, Path.Combine(directory, weightsFile), Device);
        if (_ema is not null)
        {
            using var file = SafeTensors.Load(Path.Combine(directory, TrmCheckpoint.ModelFile), Device);
            _ema.Load(file.Tensors);
        }
        var optimizerPath = Path.Combine(directory, TrainingCheckpoint.OptimizerFile);
        if (_optimizer is not null && File.Exists(optimizerPath))
        {
            using var file = SafeTensors.Load(optimizerPath, Device);
            var savedKind = file.Metadata.GetValueOrDefault("optimizer");
            if (savedKind != ConfigValue.Spell(Config.Optimizer))
            {
                throw new TrmCheckpointException(optimizerPath, $"optimizer state is for '{savedKind}', this run uses '{ConfigValue.Spell(Config.Optimizer)}'");
            }
            try
            {
                _optimizer.LoadStateDict(OptimizerState.FromMetadata(file.Tensors, file.Metadata));
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                throw new TrmCheckpointException(optimizerPath, e.Message, e);
            }
        }

        _carry?.Dispose();
        _carry = null;
        var carryPath = Path.Combine(directory, TrainingCheckpoint.CarryFile);
        if (state.CarryPolicy == CarryPolicy.Restore && File.Exists(carryPath))
        {
            _carry = TrainingCheckpoint.LoadCarry(_head, carryPath, Device, Rank, WorldSize);
        }
        if (_head.Model.ExplorationGenerator is not null && !state.Rng.ContainsKey(RankRngKey(Rank)) && state.Rng.ContainsKey("exploration"))
        {
            // Saved by fewer ranks: this rank keeps its freshly seeded stream (the run is not a bit-exact continuation).
            _logger.LogWarning("Checkpoint {Directory} holds no exploration state for rank {Rank}; the rank starts a fresh stream", directory, Rank);
        }
        if (state.Rng.TryGetValue(RankRngKey(Rank), out var exploration) && _head.Model.ExplorationGenerator is { } generator)
        {
            var bytes = Convert.FromBase64String(exploration);
            using var tensor = Tensors.FromArray(bytes, bytes.Length);
            generator.SetState(tensor);
        }
        Step = state.Step;
        _resumedStep = state.Step;
        _iteration = state.Iteration;
        _nonFiniteSteps = state.NonFiniteSteps;
        _consecutiveNonFinite = 0;
        if (_lm is null)
        {
            _dataState = PuzzleIteratorState.Parse(state.DataState);
            _batches?.Dispose();
            _batches = null;
            _train!.Restore(_dataState);
        }
        else
        {
            _pendingPassEnd = state.DataState.StartsWith(PassEndMark, StringComparison.Ordinal);
            try
            {
                _lm.Train.Restore(_pendingPassEnd ? state.DataState[PassEndMark.Length..] : state.DataState);
            }
            catch (FormatException e)
            {
                throw new TrmCheckpointException(statePath, $"data_state: {e.Message}", e);
            }
        }
        _elapsedBefore = state.ElapsedSeconds;
        _ddp?.Broadcast(_head.StateDict().Values);
        _logger.LogInformation("Resumed {Run} from {Directory} at step {Step}", RunName, directory, Step);
        if (_metricsPath is not null)
        {
            // Steps after the checkpoint will be logged again by this run.
            _metrics?.Dispose();
            _metrics = null;
            MetricsJsonlWriter.TruncateAfter(_metricsPath, Step);
        }
    }

    private void WriteMetrics(MetricsRecord record)
    {
        if (_metricsPath is null) return;
        _metrics ??= new MetricsJsonlWriter(_metricsPath);
        _metrics.Write(record);
    }

    /// <summary>Marks a language-model data position taken after the last micro-batch of a pass, before the pass end was reported.</summary>
    private const string PassEndMark = "end:";

    private void RequireFinite(Dictionary<string, Tensor> weights, string what, string directory)
    {
        if (FiniteCheck.FirstNonFinite(weights) is { } name)
        {
            throw new NonFiniteTrainingException(Step, $"{what} '{name}' is not finite; checkpoint {directory} was not written");
        }
    }

    private static JsonNode? WithoutBatch(JsonNode? node)
    {
        if (node is not JsonObject o) return node;
        var copy = (JsonObject)o.DeepClone();
        copy.Remove("batch_size");
        copy.Remove("forward_dtype");
        copy.Remove("eval_halt_max_steps"); // a resumed run may evaluate with other ACT steps
        return copy;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _batches?.Dispose();
        _carry?.Dispose();
        _metrics?.Dispose();
        _ema?.Dispose();
        _optimizer?.Dispose();
        if (_ownsModel) _head.Dispose();
        if (_ownsData)
        {
            _train?.Dispose();
            _test?.Dispose();
            _lm?.Dispose();
        }
        _runLock?.Dispose();
    }
}
