using Microsoft.Extensions.Logging;
using Trm.Inference.Generation;
using Trm.Model;
using Trm.Rl.Policies;
using Trm.Rl.Rewards;
using Trm.Rl.Tasks;
using Trm.Tokenization;
using Trm.Tokenization.Chat;
using Trm.Torch;
using Trm.Torch.Distributed;
using Trm.Torch.Optim;
using Trm.Training.Metrics;
using static Trm.Torch.Engine;

namespace Trm.Rl.Grpo;

/// <summary>
/// Group Relative Policy Optimisation of a chat model on verifiable tasks. Each step draws
/// <see cref="GrpoOptions.PromptsPerStep"/> problems from the task mix, samples <see cref="GrpoOptions.GroupSize"/>
/// replies to each with the current policy (recording each token's log-probability), scores them, turns the rewards
/// into group-relative advantages, and updates the policy for <see cref="GrpoOptions.Epochs"/> passes over the batch in
/// minibatches with <see cref="GrpoLoss"/>; the log-probabilities with gradient come from a forward pass over prompt +
/// reply with the prompt masked out. Build one with <see cref="CreateBuilder"/>. Not thread-safe.
/// </summary>
public sealed class GrpoTrainer : IDisposable
{
    private readonly bool _ownsPolicy;
    private readonly TrmModel? _reference;
    private readonly MixedTaskSampler _sampler;
    private readonly IReadOnlyList<IRlTask> _evalTasks;
    private readonly int? _evalMaxProblems;
    private readonly string? _outputDirectory;
    private readonly ILogger _logger;
    private readonly AdamW _optimizer;
    private readonly TextGenerator _generator;
    private readonly Tokenizer _baseTokenizer;
    private readonly List<GrpoStepMetrics> _history = [];
    private readonly List<GrpoEvaluation> _evaluations = [];
    private readonly ProcessGroup? _group;

    internal GrpoTrainer(TrmModel policy, bool ownsPolicy, TrmModel? reference, Tokenizer baseTokenizer, MixedTaskSampler sampler,
        IReadOnlyList<IRlTask> evalTasks, int? evalMaxProblems, GrpoOptions options, string? outputDirectory, ILogger logger, ProcessGroup? group = null)
    {
        options.Validate();
        Policy = policy;
        _ownsPolicy = ownsPolicy;
        _reference = reference;
        _baseTokenizer = baseTokenizer;
        Template = ChatTemplate.Create(baseTokenizer);
        _sampler = sampler;
        _evalTasks = evalTasks;
        _evalMaxProblems = evalMaxProblems;
        Options = options;
        _outputDirectory = outputDirectory;
        _logger = logger;
        _optimizer = new AdamW(policy.Parameters().Where(p => p.RequiresGrad), lr: options.LearningRate, beta1: 0.9, beta2: 0.95, weightDecay: 0.0);
        _generator = TextGenerator.CreateBuilder().WithModel(policy).WithTokenizer(Template.Tokenizer).Build();
        _group = group;
        if (group is not null)
        {
            // Every rank starts from rank 0's weights (policy and reference).
            using var noGrad = NoGrad();
            foreach (var t in policy.StateDict().Values.Concat(reference?.StateDict().Values.AsEnumerable() ?? [])) group.Broadcast_(t);
        }
    }

    /// <summary>This process's rank (0 without a process group); only rank 0 evaluates, logs and writes files.</summary>
    public int Rank => _group?.Rank ?? 0;

    /// <summary>Number of data-parallel ranks (1 without a process group).</summary>
    public int WorldSize => _group?.WorldSize ?? 1;

    /// <summary>A builder: the policy (checkpoint or live model), tasks, options, output folder.</summary>
    public static GrpoTrainerBuilder CreateBuilder() => new();

    /// <summary>The settings.</summary>
    public GrpoOptions Options { get; }

    /// <summary>The policy being trained.</summary>
    public TrmModel Policy { get; }

    /// <summary>The chat template the prompts are rendered with.</summary>
    public ChatTemplate Template { get; }

    /// <summary>Steps run so far.</summary>
    public long Step { get; private set; }

    /// <summary>The metrics of every step run.</summary>
    public IReadOnlyList<GrpoStepMetrics> History => _history;

    /// <summary>Runs <see cref="GrpoOptions.Steps"/> steps: evaluation at the start, every <see cref="GrpoOptions.EvalEvery"/> steps and at the end; checkpoints every <see cref="GrpoOptions.CheckpointEvery"/> steps and at the end; metrics to <c>metrics.jsonl</c> in the output folder.</summary>
    public GrpoResult Train(IProgress<GrpoStepMetrics>? progress = null, CancellationToken cancellationToken = default)
    {
        bool main = Rank == 0;
        using var metrics = _outputDirectory is null || !main ? null : new MetricsJsonlWriter(Path.Combine(_outputDirectory, "metrics.jsonl"));
        string? checkpoint = null;
        if (_evalTasks.Count > 0 && main) Log(metrics, Evaluate(cancellationToken));
        while (Step < Options.Steps)
        {
            var step = TrainStep(cancellationToken);
            metrics?.Write(new MetricsRecord(step.Step, "train", step.ToValues()));
            progress?.Report(step);
            if (main) _logger.LogInformation("grpo step {Step}: reward {Reward:F3} ± {Std:F3}, pass@1 {Pass:F3}, kl {Kl:F4}, clip {Clip:F3}, entropy {Entropy:F3}, length {Length:F1}",
                step.Step, step.RewardMean, step.RewardStd, step.Pass1, step.Kl, step.ClipFraction, step.Entropy, step.ResponseLength);
            bool last = Step == Options.Steps;
            if (main && _evalTasks.Count > 0 && (last || (Options.EvalEvery > 0 && Step % Options.EvalEvery == 0))) Log(metrics, Evaluate(cancellationToken));
            if (main && _outputDirectory is not null && (last || (Options.CheckpointEvery > 0 && Step % Options.CheckpointEvery == 0))) checkpoint = SaveCheckpoint();
        }
        return new GrpoResult(Step, _history.ToArray(), _evaluations.ToArray(), checkpoint);
    }

    /// <summary>pass@1 on the held-out tasks (greedy unless <see cref="GrpoOptions.EvalTemperature"/> is set).</summary>
    public GrpoEvaluation Evaluate(CancellationToken cancellationToken = default)
    {
        Policy.Eval();
        var byTask = new Dictionary<string, double>();
        double correct = 0, total = 0;
        foreach (var task in _evalTasks)
        {
            int count = Math.Min(task.Count, _evalMaxProblems ?? int.MaxValue);
            var pass = PassAtOne.Measure(_generator, Template, task, Options.MaxNewTokens, Options.EvalTemperature, count, Options.RolloutBatchSize, Options.Seed, cancellationToken);
            byTask[task.Name] = pass;
            correct += pass * count;
            total += count;
        }
        var evaluation = new GrpoEvaluation(Step, total == 0 ? 0 : correct / total, byTask);
        _evaluations.Add(evaluation);
        _logger.LogInformation("grpo eval at step {Step}: pass@1 {Pass:F3}", Step, evaluation.Pass1);
        return evaluation;
    }

    /// <summary>Writes the policy as <c>step_N</c> in the output folder.</summary>
    /// <exception cref="InvalidOperationException">No output folder was given.</exception>
    public string SaveCheckpoint()
    {
        if (_outputDirectory is null) throw new InvalidOperationException("GrpoTrainer: no output folder (GrpoTrainerBuilder.WithOutputDirectory)");
        return PolicyCheckpoint.Save(_outputDirectory, Step, Policy, _baseTokenizer, new Dictionary<string, string> { ["rl"] = "grpo" });
    }

    /// <summary>Runs one step: rollouts, rewards, advantages and the policy updates.</summary>
    public GrpoStepMetrics TrainStep(CancellationToken cancellationToken = default)
    {
        var o = Options;
        var random = new Random(unchecked((int)(o.Seed * 1_000_003 + Step)));
        var problems = Enumerable.Range(0, o.PromptsPerStep).Select(_ => _sampler.Next(random)).ToArray();
        var prompts = problems.Select(p => Rollouts.Prompt(Template, p, Policy.MaxPositions, o.MaxNewTokens)).ToArray();
        var rows = prompts.SelectMany(p => Enumerable.Repeat(p, o.GroupSize)).ToArray();

        Policy.Eval();
        // Data parallel: this rank samples the replies of its share of the prompt groups (its own sampling stream).
        int firstRow = o.PromptsPerStep * Rank / WorldSize * o.GroupSize, endRow = o.PromptsPerStep * (Rank + 1) / WorldSize * o.GroupSize;
        var generation = new GenerationOptions { Temperature = o.Temperature, TopK = o.TopK, MaxNewTokens = o.MaxNewTokens, Seed = random.NextInt64() + Rank };
        var results = Rollouts.Generate(_generator, Template, rows[firstRow..endRow], generation, o.RolloutBatchSize, cancellationToken);

        var rollouts = new Rollout[results.Count];
        for (int i = 0; i < results.Count; i++)
        {
            var problem = problems[(firstRow + i) / o.GroupSize];
            var task = _sampler.Task(problem.Task);
            var text = results[i].Text;
            double reward = task.Reward.Score(new RewardInput(problem.Task, problem.Prompt, text, problem.Reference)) - GrpoLoss.LengthPenalty(results[i].TokenIds.Count, o);
            rollouts[i] = new Rollout(results[i].TokenIds.ToArray(), results[i].LogProbabilities.ToArray(), reward, task.IsCorrect(problem, text));
        }
        if (_group is not null) rollouts = GatherRollouts(rollouts, o.MaxNewTokens);
        var rewards = rollouts.Select(r => r.Reward).ToArray();
        int correct = rollouts.Count(r => r.Correct);

        var advantages = GrpoLoss.Advantages(rewards, o.GroupSize, o.NormalizeAdvantageStd, o.AdvantageClip);
        var keep = o.DropEqualRewardGroups ? GrpoLoss.InformativeGroups(rewards, o.GroupSize) : Enumerable.Repeat(true, problems.Length).ToArray();
        var samples = Enumerable.Range(0, rows.Length).Where(i => keep[i / o.GroupSize])
            .Select(i => new Sample(rows[i], rollouts[i].Tokens, rollouts[i].LogProbs, advantages[i])).ToList();

        double lr = o.LrDecay ? o.LearningRate * (1 - (double)Step / o.Steps) : o.LearningRate;
        _optimizer.SetLearningRate(lr);
        var update = samples.Count == 0 ? new Totals() : Update(samples, random, cancellationToken);
        Step++;

        double mean = rewards.Average();
        var metrics = new GrpoStepMetrics(Step, mean, Math.Sqrt(rewards.Average(r => (r - mean) * (r - mean))), correct / (double)rows.Length,
            rollouts.Average(r => r.Tokens.Length), keep.Count(k => k) / (double)keep.Length,
            update.Mean(update.Loss), update.Mean(update.PolicyLoss), update.Mean(update.Kl), update.Mean(update.ClipFraction),
            update.EntropyTokens == 0 ? double.NaN : update.Entropy / update.EntropyTokens, update.Updates == 0 ? double.NaN : update.GradNorm / update.Updates,
            lr, update.Updates);
        _history.Add(metrics);
        return metrics;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _generator.Dispose();
        _optimizer.Dispose();
        _reference?.Dispose();
        if (_ownsPolicy) Policy.Dispose();
    }

    private Totals Update(List<Sample> samples, Random random, CancellationToken cancellationToken)
    {
        var o = Options;
        var totals = new Totals();
        int minibatch = o.MinibatchSize == 0 ? samples.Count : Math.Min(o.MinibatchSize, samples.Count);
        Policy.Train();
        try
        {
            for (int epoch = 0; epoch < o.Epochs; epoch++)
            {
                var order = Enumerable.Range(0, samples.Count).ToArray();
                random.Shuffle(order);
                for (int start = 0; start < order.Length; start += minibatch)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var batch = order.Skip(start).Take(minibatch).Select(i => samples[i]).ToArray();
                    UpdateMinibatch(batch, measureEntropy: epoch == 0, totals);
                }
            }
        }
        finally
        {
            Policy.Eval();
        }
        return totals;
    }

    private void UpdateMinibatch(Sample[] batch, bool measureEntropy, Totals totals)
    {
        using var scope = NewDisposeScope();
        var inputs = SequenceBatch.Create(batch.Select(s => (s.Prompt, s.Response, s.OldLogProbs)).ToArray(), Template.PadId, Policy.Device);
        var logits = Policy.LmForward(inputs.Ids, inputs.AttentionMask);
        var logProbsAll = logits.Narrow(1, 0, inputs.Length - 1).To(DType.Float32).LogSoftmax(-1);
        var logProbs = logProbsAll.Gather(2, inputs.Targets.Unsqueeze(2)).Squeeze(2);
        Tensor? referenceLogProbs = null;
        if (_reference is not null && Options.KlCoef > 0)
        {
            using var noGrad = NoGrad();
            var referenceLogits = _reference.LmForward(inputs.Ids, inputs.AttentionMask);
            referenceLogProbs = referenceLogits.Narrow(1, 0, inputs.Length - 1).To(DType.Float32).LogSoftmax(-1).Gather(2, inputs.Targets.Unsqueeze(2)).Squeeze(2);
        }
        var advantages = Tensors.FromArray(batch.Select(s => (float)s.Advantage).ToArray(), batch.Length).To(Policy.Device);
        var result = GrpoLoss.Compute(logProbs, inputs.OldLogProbs, referenceLogProbs, advantages, inputs.Mask, Options);
        if (measureEntropy)
        {
            using var noGrad = NoGrad();
            var p = logProbsAll.Detach();
            var entropy = -(p.Exp() * p).Sum(-1);
            totals.Entropy += (entropy * inputs.Mask).Sum().Item<float>();
            totals.EntropyTokens += inputs.TokenCount;
        }
        _optimizer.ZeroGrad();
        result.Loss.Backward();
        var parameters = Policy.Parameters().Where(t => t.RequiresGrad).ToArray();
        double norm = Options.GradClipNorm > 0 ? GradClip.ClipGradNorm_(parameters, Options.GradClipNorm) : GradClip.ClipGradNorm_(parameters, double.PositiveInfinity);
        _optimizer.Step();
        totals.Add(result, norm);
    }

    private void Log(MetricsJsonlWriter? metrics, GrpoEvaluation evaluation)
    {
        if (metrics is null) return;
        var values = new Dictionary<string, double> { ["pass1"] = evaluation.Pass1 };
        foreach (var (task, pass) in evaluation.ByTask) values["pass1_" + task] = pass;
        metrics.Write(new MetricsRecord(evaluation.Step, "eval", values));
    }

    /// <summary>One sampled reply with what the update needs.</summary>
    /// <summary>
    /// Every rank's rollouts in rank order (= row order): each row travels as one float64 row of the reply length, reward,
    /// correctness, then the reply's token ids and log-probabilities padded to <paramref name="maxNewTokens"/> (exact in float64).
    /// </summary>
    private Rollout[] GatherRollouts(Rollout[] local, int maxNewTokens)
    {
        int width = 3 + 2 * maxNewTokens;
        var packed = new double[local.Length * width];
        for (int i = 0; i < local.Length; i++)
        {
            var r = local[i];
            var row = packed.AsSpan(i * width, width);
            (row[0], row[1], row[2]) = (r.Tokens.Length, r.Reward, r.Correct ? 1 : 0);
            for (int t = 0; t < r.Tokens.Length; t++) (row[3 + t], row[3 + maxNewTokens + t]) = (r.Tokens[t], r.LogProbs[t]);
        }
        using var scope = NewDisposeScope();
        var parts = _group!.AllGather(Tensors.FromArray(packed, local.Length, width));
        var all = Tensors.Cat(parts).ToArray<double>();
        var gathered = new Rollout[all.Length / width];
        for (int i = 0; i < gathered.Length; i++)
        {
            var row = all.AsSpan(i * width, width);
            int length = (int)row[0];
            var tokens = new int[length];
            var logProbs = new float[length];
            for (int t = 0; t < length; t++) (tokens[t], logProbs[t]) = ((int)row[3 + t], (float)row[3 + maxNewTokens + t]);
            gathered[i] = new Rollout(tokens, logProbs, row[1], row[2] != 0);
        }
        return gathered;
    }

    private sealed record Rollout(int[] Tokens, float[] LogProbs, double Reward, bool Correct);

    private sealed record Sample(int[] Prompt, int[] Response, float[] OldLogProbs, double Advantage);

    /// <summary>Sums over a step's updates.</summary>
    private sealed class Totals
    {
        public int Updates;
        public double Loss, PolicyLoss, Kl, ClipFraction, GradNorm, Entropy, EntropyTokens;

        public void Add(GrpoLossResult result, double gradNorm)
        {
            Updates++;
            Loss += result.Loss.Item<float>();
            PolicyLoss += result.PolicyLoss;
            Kl += result.Kl;
            ClipFraction += result.ClipFraction;
            GradNorm += gradNorm;
        }

        public double Mean(double sum) => Updates == 0 ? double.NaN : sum / Updates;
    }
}
