using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Trm.Model.Checkpoints;
using Trm.Torch;
using Trm.Torch.Optim;
using static Trm.Torch.Engine;

namespace Trm.Rl.RewardModel;

/// <summary>
/// Trains a <see cref="TrmRewardModel"/> on ranked reply groups with <see cref="RankingLoss"/> and AdamW: shuffled groups
/// each epoch, gradient accumulation, linear warm-up, gradient clipping, evaluation on held-out groups before training,
/// every <see cref="RewardTrainingOptions.EvalEvery"/> steps (or each epoch) and at the end, and a checkpoint at each
/// evaluation after the first.
/// </summary>
public sealed class RewardModelTrainer
{
    private readonly TrmRewardModel _model;
    private readonly RewardTrainingOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a trainer.</summary>
    /// <param name="model">The model to train (in place).</param>
    /// <param name="options">Settings (validated).</param>
    /// <param name="logger">Progress log, or null.</param>
    public RewardModelTrainer(TrmRewardModel model, RewardTrainingOptions? options = null, ILogger<RewardModelTrainer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _options = options ?? new RewardTrainingOptions();
        _options.Validate();
        _model = model;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Called after every evaluation (for progress displays and metric files).</summary>
    public event Action<RewardEvaluation>? Evaluated;

    /// <summary>Trains on <paramref name="train"/>, evaluating on <paramref name="validation"/>.</summary>
    /// <param name="train">Training groups (from <see cref="RewardCollator.Encode(Trm.Data.Oasst.RankedReplies)"/>).</param>
    /// <param name="validation">Held-out groups (may be empty: evaluations then report zeros).</param>
    /// <param name="cancellationToken">Stops between micro-batches.</param>
    public RewardTrainingResult Train(IReadOnlyList<RankedGroup> train, IReadOnlyList<RankedGroup> validation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        var usable = train.Where(g => g.Ranks.Distinct().Count() >= 2).ToArray();
        if (usable.Length == 0) throw new ArgumentException("no training group has two replies of different rank.", nameof(train));

        var parameters = _model.Parameters().ToList();
        using var optimizer = new AdamW(parameters, _options.LearningRate, _options.AdamBeta1, _options.AdamBeta2, _options.AdamEps, _options.WeightDecay);
        var history = new List<RewardEvaluation>();
        string? lastCheckpoint = null;
        long step = 0;
        double lossSum = 0;
        int lossCount = 0;

        void EvaluateNow()
        {
            var (loss, metrics) = Evaluate(_model, validation, _options.Beta);
            var record = new RewardEvaluation(step, lossCount == 0 ? double.NaN : lossSum / lossCount, loss, metrics);
            lossSum = 0;
            lossCount = 0;
            history.Add(record);
            _logger.LogInformation("step {Step}: train loss {TrainLoss:F4}, val loss {Loss:F4}, accuracy {Accuracy:F3}, tau {Tau:F3}, rho {Rho:F3}",
                step, record.TrainLoss, loss, metrics.Accuracy, metrics.KendallTau, metrics.SpearmanRho);
            Evaluated?.Invoke(record);
            if (step > 0 && _options.CheckpointDirectory is { } runDirectory)
            {
                lastCheckpoint = Path.Combine(runDirectory, TrmCheckpoint.StepFolderName(step));
                _model.Save(lastCheckpoint, step, overwrite: true);
            }
        }

        EvaluateNow();
        var random = new Random(_options.Seed);
        var microBatch = 0;
        var done = false;
        for (var epoch = 0; epoch < _options.Epochs && !done; epoch++)
        {
            var order = usable.ToArray();
            random.Shuffle(order);
            _model.Train();
            for (var start = 0; start < order.Length && !done; start += _options.GroupsPerBatch)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var groups = order.Skip(start).Take(_options.GroupsPerBatch).ToList();
                using (var scope = NewDisposeScope())
                {
                    var loss = BatchLoss(_model, groups, _options.Beta);
                    lossSum += loss.Item<float>();
                    lossCount++;
                    (loss / _options.GradientAccumulation).Backward();
                }
                if (++microBatch % _options.GradientAccumulation != 0) continue;

                var warm = _options.WarmupSteps == 0 ? 1.0 : Math.Min(1.0, (step + 1) / (double)_options.WarmupSteps);
                optimizer.SetLearningRate(_options.LearningRate * warm);
                if (_options.MaxGradNorm > 0) GradClip.ClipGradNorm_(parameters, _options.MaxGradNorm);
                optimizer.Step();
                optimizer.ZeroGrad();
                step++;
                if (_options.EvalEvery > 0 && step % _options.EvalEvery == 0) EvaluateNow();
                if (_options.MaxSteps is { } max && step >= max) done = true;
            }
            if (_options.EvalEvery == 0 && !done) EvaluateNow();
        }
        if (history[^1].Step != step) EvaluateNow();
        return new RewardTrainingResult(step, history, lastCheckpoint);
    }

    /// <summary>The ranking loss and metrics of <paramref name="model"/> on <paramref name="groups"/> (no gradients).</summary>
    /// <param name="model">The model.</param>
    /// <param name="groups">Groups to score.</param>
    /// <param name="beta">Weight of the score regulariser.</param>
    public static (double Loss, RankingMetrics Metrics) Evaluate(TrmRewardModel model, IReadOnlyList<RankedGroup> groups, double beta = RankingLoss.DefaultBeta)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(groups);
        var usable = groups.Where(g => g.Ranks.Distinct().Count() >= 2).ToList();
        if (usable.Count == 0) return (0, RankingMetrics.Compute([], []));
        var scores = model.ScoreSequences(usable.SelectMany(g => g.Sequences).ToList());
        var ranks = usable.Select(g => g.Ranks).ToList();
        using var scope = NewDisposeScope();
        var loss = RankingLoss.Compute(Tensors.FromArray(scores), ranks, beta).Item<float>();
        return (loss, RankingMetrics.Compute(scores, ranks));
    }

    private static Tensor BatchLoss(TrmRewardModel model, IReadOnlyList<RankedGroup> groups, double beta)
    {
        using var scope = NewDisposeScope();
        var (ids, mask) = RewardCollator.Pad(groups.SelectMany(g => g.Sequences).ToList(), model.Collator.Template.PadId, model.Device);
        var scores = model.Forward(ids, mask);
        return scope.MoveToOuter(RankingLoss.Compute(scores, groups.Select(g => g.Ranks).ToList(), beta));
    }
}
