using Trm.Model.Checkpoints;
using Trm.Rl.Grpo;
using Trm.Rl.Tests.Support;
using Trm.Training.Metrics;

namespace Trm.Rl.Tests.Grpo;

public class GrpoTrainerTests
{
    private static GrpoOptions Toy => GrpoOptions.SingleTaskBaseline with
    {
        GroupSize = 8,
        PromptsPerStep = 4,
        MaxNewTokens = 4,
        LearningRate = 3e-3,
        LrDecay = false,
        EvalEvery = 0,
    };

    [Test]
    public void GrpoRaisesTheMeanRewardOfALearnableTask()
    {
        var tokenizer = ToyPolicy.Tokenizer();
        using var model = ToyPolicy.Model(tokenizer);
        using var grpo = GrpoTrainer.CreateBuilder().WithModel(model, tokenizer).WithTask(new ToyPolicy.SayXTask())
            .WithOptions(Toy with { Steps = 30, Seed = 3 }).Build();
        var result = grpo.Train();
        var first = result.History.Take(5).Average(m => m.RewardMean);
        var last = result.History.TakeLast(5).Average(m => m.RewardMean);
        TestContext.Out.WriteLine($"mean reward: first 5 steps {first:F3}, last 5 steps {last:F3}");
        Assert.That(last, Is.GreaterThan(first + 0.3));
        Assert.That(result.History.All(m => m.Updates == 1 && m.GroupsKept == 1 && m.ClipFraction == 0), Is.True);
    }

    [Test]
    public void TwoRanksSplitTheRolloutsAndKeepIdenticalWeights()
    {
        if (!Trm.Torch.Distributed.ProcessGroup.IsAvailable) Assert.Ignore("shim built without c10d/Gloo");
        var store = Path.Combine(Path.GetTempPath(), $"trm-grpo-dp-{Guid.NewGuid():N}");
        try
        {
            var ranks = Enumerable.Range(0, 2).Select(rank => Task.Factory.StartNew(() =>
            {
                using var group = Trm.Torch.Distributed.ProcessGroup.CreateGloo($"file://{store}", rank, 2, "127.0.0.1", TimeSpan.FromSeconds(60));
                var tokenizer = ToyPolicy.Tokenizer();
                using var model = ToyPolicy.Model(tokenizer);
                if (rank == 1)
                {
                    // Rank 1 starts from other weights: the trainer must broadcast rank 0's.
                    using var noGrad = Trm.Torch.Engine.NoGrad();
                    foreach (var t in model.StateDict().Values) t.Add_(1.0);
                }
                using var grpo = GrpoTrainer.CreateBuilder().WithModel(model, tokenizer).WithTask(new ToyPolicy.SayXTask())
                    .WithOptions(Toy with { Steps = 3, Seed = 3 }).WithProcessGroup(group).Build();
                var result = grpo.Train();
                return (History: result.History, Weights: model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.ToArray<float>()));
            }, TaskCreationOptions.LongRunning)).ToArray();
            Assert.That(Task.WaitAll(ranks, TimeSpan.FromSeconds(120)), Is.True, "collectives timed out");
            var (zero, one) = (ranks[0].Result, ranks[1].Result);
            Assert.That(zero.History.Select(m => m.RewardMean), Is.EqualTo(one.History.Select(m => m.RewardMean)), "every rank sees all 4 x 8 rewards");
            Assert.That(zero.History.Select(m => m.Pass1), Is.EqualTo(one.History.Select(m => m.Pass1)));
            foreach (var (name, w) in zero.Weights) Assert.That(one.Weights[name], Is.EqualTo(w), $"{name} differs between the ranks");
            // The two ranks drew different replies: the step's rewards are not all equal to a one-rank run's by construction,
            // but both ranks' updates moved the weights from the start.
            Assert.That(zero.History.All(m => m.Updates >= 1 || m.GroupsKept == 0), Is.True);
        }
        finally
        {
            File.Delete(store);
        }
    }

    [Test]
    public void WithIdenticalPolicyAndReferenceTheKlIsExactlyZero()
    {
        var tokenizer = ToyPolicy.Tokenizer();
        using var model = ToyPolicy.Model(tokenizer);
        using var grpo = GrpoTrainer.CreateBuilder().WithModel(model, tokenizer).WithTask(new ToyPolicy.SayXTask())
            .WithOptions(Toy with { Steps = 2, KlCoef = 0.5, Epochs = 1, MinibatchSize = 0 }).Build();
        var step = grpo.TrainStep();
        Assert.That(step.Updates, Is.EqualTo(1));
        Assert.That(step.Kl, Is.EqualTo(0.0));
        Assert.That(step.Loss, Is.EqualTo(step.PolicyLoss));
        var second = grpo.TrainStep(); // the policy has moved away from the reference
        Assert.That(second.Kl, Is.GreaterThan(0.0));
    }

    [Test]
    public void MixedPresetRunsEpochsInMinibatchesAndWritesCheckpointsAndMetrics()
    {
        var dir = Path.Combine(Path.GetTempPath(), "trm-grpo-" + Guid.NewGuid().ToString("N"));
        try
        {
            var tokenizer = ToyPolicy.Tokenizer();
            using var model = ToyPolicy.Model(tokenizer);
            var options = GrpoOptions.MixedTask with { GroupSize = 4, PromptsPerStep = 2, MaxNewTokens = 3, MinibatchSize = 4, Epochs = 2, Steps = 2, EvalEvery = 1, LearningRate = 1e-3, DropEqualRewardGroups = false };
            using var grpo = GrpoTrainer.CreateBuilder().WithModel(model, tokenizer).WithTask(new ToyPolicy.SayXTask()).WithEvalTask(new ToyPolicy.SayXTask(3))
                .WithOptions(options).WithOutputDirectory(dir).Build();
            var result = grpo.Train();
            Assert.That(result.History.Select(m => m.Updates), Is.EqualTo(new[] { 4, 4 })); // 8 samples / 4 per minibatch × 2 epochs
            Assert.That(result.Evaluations.Select(e => e.Step), Is.EqualTo(new long[] { 0, 1, 2 }));
            Assert.That(result.Checkpoint, Is.EqualTo(Path.Combine(dir, "step_2")));
            var checkpoint = TrmCheckpoint.Open(result.Checkpoint!);
            Assert.That(checkpoint.Metadata["tokenizer"], Is.EqualTo("char:vocab.json"));
            Assert.That(File.Exists(checkpoint.FilePath("vocab.json")), Is.True);
            var records = MetricsJsonlWriter.Read(Path.Combine(dir, "metrics.jsonl"));
            Assert.That(records.Select(r => (r.Step, r.Split)), Is.EqualTo(new[] { (0L, "eval"), (1L, "train"), (1L, "eval"), (2L, "train"), (2L, "eval") }));
            Assert.That(records[1].Values.Keys, Is.SupersetOf(new[] { "reward_mean", "reward_std", "kl", "clip_fraction", "entropy", "response_length", "pass1" }));
            Assert.That(records[1]["entropy"], Is.GreaterThan(0));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void RecomputedLogProbsOfTheFirstUpdateEqualTheSamplingOnes()
    {
        // The loss forward (prompt + reply, prompt masked) must give each reply token the log-probability it was sampled
        // with: with a ratio bound of ±1e-3 no token of the first, on-policy update may fall outside it.
        var tokenizer = ToyPolicy.Tokenizer();
        using var model = ToyPolicy.Model(tokenizer);
        using var grpo = GrpoTrainer.CreateBuilder().WithModel(model, tokenizer).WithTask(new ToyPolicy.SayXTask())
            .WithOptions(Toy with { Steps = 1, ClipMode = GrpoClipMode.Truncated, ClipLow = 1e-3, ClipHigh = 1e-3, MaxNewTokens = 6 }).Build();
        var step = grpo.TrainStep();
        Assert.That(step.Updates, Is.EqualTo(1));
        Assert.That(step.ClipFraction, Is.EqualTo(0.0));
        Assert.That(step.ResponseLength, Is.GreaterThan(1));
    }

    [Test]
    public void InvalidOptionsNameTheSetting()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => (GrpoOptions.SingleTaskBaseline with { GroupSize = 1 }).Validate())!.ParamName, Is.EqualTo("GroupSize"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => (GrpoOptions.SingleTaskBaseline with { Temperature = 0 }).Validate())!.ParamName, Is.EqualTo("Temperature"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => (GrpoOptions.SingleTaskBaseline with { ClipLow = 1 }).Validate())!.ParamName, Is.EqualTo("ClipLow"));
    }

    [Test]
    public void PresetsMatchTheReferenceRecipes()
    {
        var b = GrpoOptions.SingleTaskBaseline;
        Assert.That((b.GroupSize, b.PromptsPerStep, b.MaxNewTokens, b.Temperature, b.TopK, b.KlCoef, b.ClipMode, b.NormalizeAdvantageStd, b.LrDecay),
            Is.EqualTo((16, 16, 256, 1.0, 50, 0.0, GrpoClipMode.None, false, true)));
        var m = GrpoOptions.Preset("mixed");
        Assert.That((m.ClipMode, m.ClipLow, m.ClipHigh, m.AdvantageClip, m.DropEqualRewardGroups, m.Epochs, m.GradClipNorm, m.KlCoef),
            Is.EqualTo((GrpoClipMode.Truncated, 0.2, 0.28, 5.0, true, 4, 1.0, 0.02)));
    }
}
