using Trm.Data.Chat;
using Trm.Inference.Generation;
using Trm.Model.Checkpoints;
using Trm.Tokenization;
using Trm.Tokenization.Chat;
using Trm.Torch;
using Trm.Training.Configuration;
using Trm.Training.Language;
using Trm.Training.Losses;
using Trm.Training.Metrics;

namespace Trm.Training.Tests.Language;

public sealed class LanguageModelTrainerTests
{
    private TempFolder _temp = null!;
    private string _root = "";

    [SetUp]
    public void SetUp()
    {
        _temp = new TempFolder("trm-lmtrainer");
        _root = _temp.Path;
        Engine.SetNumThreads(2);
    }

    [TearDown]
    public void TearDown() => _temp.Dispose();

    [Test]
    public void MaskedLossCountsOnlyTheMarkedTargets()
    {
        // Three targets over a vocabulary of 3; the first is a prompt token (mask 0) with huge logits that must not count.
        //   position 1: logits (0, 0, 0), target 2        → −log(1/3) = ln 3
        //   position 2: logits (ln 3, 0, 0), target 0     → −log(3/5) = ln(5/3)
        var batch = new LmBatch(1, 3, [0, 0, 0], [1, 2, 0], [0, 1, 1]);
        using var logits = Tensors.FromArray(new float[] { 10, -10, 0, 0, 0, 0, (float)Math.Log(3), 0, 0 }, 1, 3, 3);
        var (sum, correct) = LanguageModelTask.MaskedLoss(logits, batch, LossKind.SoftmaxCrossEntropy);
        using (sum)
        using (correct)
        {
            Assert.That(sum.Item<float>(), Is.EqualTo(Math.Log(3) + Math.Log(5.0 / 3)).Within(1e-5));
            Assert.That(sum.Item<float>() / batch.CountedTokens, Is.EqualTo(Math.Log(5) / 2).Within(1e-5));
            // Position 2 predicts 0 (right); position 1 ties at 0 (arg-max 0, target 2: wrong); position 0 is not counted.
            Assert.That(correct.To(DType.Float64).Item<double>(), Is.EqualTo(1));
        }
        Assert.That(batch.CountedTokens, Is.EqualTo(2));
    }

    [Test]
    public void AChatDatasetTrainsOnTheAssistantTokensOrOnEveryToken()
    {
        var data = TinyChat.Build(Path.Combine(_root, "data"), TinyChat.Reversals(8));
        using var dataset = ChatDataset.Open(data);
        var config = TinyChat.Config(data, Path.Combine(_root, "ckpt")) with { MaxSteps = 1, EvalSamples = 0 };

        // Step 1 takes the epoch's first two examples of the seeded shuffle: count them by hand from the dataset.
        var first = new ChatBatchLoader(dataset, "train", new ChatBatchOptions { BatchSize = 2, Seed = config.Seed }).Epoch(0).First();
        long assistant = first.LossMask.Sum(m => m), real = first.Targets.Count(t => t != dataset.Info.PadId);
        Assert.That(assistant, Is.LessThan(real));

        foreach (var (allTokens, expected) in new[] { (false, assistant), (true, real) })
        {
            var steps = new List<MetricsRecord>();
            using var trainer = Trainer.CreateBuilder().WithConfig(config with { TrainOnAllTokens = allTokens, CheckpointPath = Path.Combine(_root, $"all-{allTokens}") }).OnStep(steps.Add).Build();
            Assert.That(trainer.DataKind, Is.EqualTo(TrainingDataKind.Chat));
            trainer.TrainStep();
            Assert.That(steps[0]["count"], Is.EqualTo(expected), $"train_on_all_tokens={allTokens}");
            Assert.That(steps[0]["lm_loss"], Is.GreaterThan(0).And.LessThan(10));
            Assert.That(steps[0]["perplexity"], Is.EqualTo(Math.Exp(steps[0]["lm_loss"])).Within(1e-9));
            Assert.That(steps[0]["tokens_per_second"], Is.GreaterThan(0));
        }
    }

    [Test]
    public void GradientAccumulationEqualsOneBigBatch()
    {
        var data = TinyChat.Build(Path.Combine(_root, "data"), TinyChat.Reversals(16));
        var baseConfig = TinyChat.Config(data, Path.Combine(_root, "ckpt")) with { MaxSteps = 2, EvalSamples = 0, Optimizer = OptimizerKind.AdamW };
        var snapshots = new List<Dictionary<string, float[]>>();
        var losses = new List<double>();
        foreach (var (rows, accumulate) in new[] { (4, 1), (2, 2), (1, 4) })
        {
            var steps = new List<MetricsRecord>();
            using var trainer = Trainer.CreateBuilder().WithConfig(baseConfig with { GlobalBatchSize = rows, GradientAccumulationSteps = accumulate, CheckpointPath = Path.Combine(_root, $"r{rows}") })
                .OnStep(steps.Add).Build();
            var initial = TinyChat.Weights(trainer);
            trainer.TrainStep();
            trainer.TrainStep();
            snapshots.Add(TinyChat.Weights(trainer));
            losses.Add(steps[1]["lm_loss"]);
            Assert.That(TinyChat.MaxDifference(initial, snapshots[^1]), Is.GreaterThan(1e-4), "the steps changed the weights");
        }
        Assert.That(TinyChat.MaxDifference(snapshots[0], snapshots[1]), Is.LessThan(1e-5));
        Assert.That(TinyChat.MaxDifference(snapshots[0], snapshots[2]), Is.LessThan(1e-5));
        Assert.That(losses[1], Is.EqualTo(losses[0]).Within(1e-5));
        Assert.That(losses[2], Is.EqualTo(losses[0]).Within(1e-5));
    }

    [Test]
    public void ResumeEqualsAnUninterruptedRun()
    {
        var data = TinyChat.Build(Path.Combine(_root, "data"), TinyChat.Reversals(8));
        // 6 train examples, 2 rows × 2 micro-batches: 3 micro-batches per epoch, so each pass (1 epoch) ends on a
        // one-micro-batch step and the stop after step 4 falls between that step and the end of its pass.
        var config = TinyChat.Config(data, Path.Combine(_root, "ckpt")) with { GradientAccumulationSteps = 2, Epochs = 3, EvalInterval = 1, Ema = true, EmaRate = 0.9 };

        var whole = new List<MetricsRecord>();
        Dictionary<string, float[]> expected;
        using (var trainer = Trainer.CreateBuilder().WithConfig(config with { CheckpointPath = Path.Combine(_root, "whole") }).OnStep(whole.Add).Build())
        {
            Assert.That(trainer.TotalSteps, Is.EqualTo(6));
            trainer.Run();
            expected = TinyChat.Weights(trainer);
        }

        var resumed = new List<MetricsRecord>();
        using (var first = Trainer.CreateBuilder().WithConfig(config with { CheckpointPath = Path.Combine(_root, "parts"), MaxSteps = 4 }).OnStep(resumed.Add).Build())
        {
            first.Run();
        }
        using (var second = Trainer.CreateBuilder().WithConfig(config with { CheckpointPath = Path.Combine(_root, "parts") }).WithResume().OnStep(resumed.Add).Build())
        {
            Assert.That(second.Step, Is.EqualTo(4));
            second.Run();
            Assert.That(TinyChat.MaxDifference(expected, TinyChat.Weights(second)), Is.EqualTo(0));
        }
        Assert.That(resumed.Select(r => r["lm_loss"]), Is.EqualTo(whole.Select(r => r["lm_loss"])));
        Assert.That(resumed.Select(r => r["count"]), Is.EqualTo(whole.Select(r => r["count"])));
    }

    [Test]
    public void ANonFiniteGradientSkipsTheStepAndTooManyStopTheRun()
    {
        var data = TinyChat.Build(Path.Combine(_root, "data"), TinyChat.Reversals(8));
        // EMA off: the evaluation must see the poisoned online weights (an EMA would still hold the last finite ones).
        var config = TinyChat.Config(data, Path.Combine(_root, "ckpt")) with { EvalSamples = 0, MaxNonFiniteSteps = 3, Ema = false };
        var steps = new List<MetricsRecord>();
        using var trainer = Trainer.CreateBuilder().WithConfig(config).OnStep(steps.Add).Build();
        var (poisoned, weight) = trainer.Model.StateDict().First(kv => kv.Key.Contains("embed_tokens", StringComparison.Ordinal));

        trainer.TrainStep();
        var before = TinyChat.Weights(trainer);
        using var saved = weight.Clone();
        using (Engine.NoGrad())
        using (var nan = Tensors.FullLike(weight, double.NaN))
        {
            weight.CopyFrom_(nan);
        }
        trainer.TrainStep(); // NaN embeddings make the loss and every gradient NaN: the step is skipped
        Assert.That(steps[1]["nonfinite_steps"], Is.EqualTo(1));
        Assert.That(double.IsFinite(steps[1]["grad_norm"]), Is.False);
        Assert.That(trainer.NonFiniteSteps, Is.EqualTo(1));

        // Nothing but the poisoned tensor changed (no optimizer step), and neither a checkpoint nor an evaluation accepts the NaN.
        var after = TinyChat.Weights(trainer);
        foreach (var (name, values) in before.Where(kv => kv.Key != poisoned))
        {
            Assert.That(after[name], Is.EqualTo(values), name);
        }
        var save = Assert.Throws<NonFiniteTrainingException>(() => trainer.SaveCheckpoint())!;
        Assert.That(save.Message, Does.Contain(poisoned).And.Contain("not written"));
        Assert.That(Directory.Exists(Path.Combine(trainer.CheckpointRoot, TrmCheckpoint.StepFolderName(2))), Is.False);
        Assert.That(Assert.Throws<NonFiniteTrainingException>(() => trainer.Evaluate())!.Message, Does.Contain("evaluation loss"));

        // Two more in a row reach max_nonfinite_steps = 3 and stop the run with a clear error.
        trainer.TrainStep();
        var stop = Assert.Throws<NonFiniteTrainingException>(() => trainer.TrainStep())!;
        Assert.That(stop.Message, Does.Contain("3 consecutive steps had non-finite gradients"));
        Assert.That(stop.Step, Is.EqualTo(4));

        // Repaired, training goes on: the count of consecutive skips restarts, the total stays.
        using (Engine.NoGrad())
        {
            weight.CopyFrom_(saved);
        }
        var record = trainer.TrainStep();
        Assert.That(double.IsFinite(record["lm_loss"]), Is.True);
        Assert.That(record["nonfinite_steps"], Is.EqualTo(3));
        Assert.That(trainer.SaveCheckpoint(), Does.EndWith(TrmCheckpoint.StepFolderName(5)));
    }

    [TestCase(false)]
    [TestCase(true)]
    public void CausalAndRecursiveChatModelsLearn(bool recursive)
    {
        var data = TinyChat.Build(Path.Combine(_root, "data"), TinyChat.Reversals(8));
        var config = TinyChat.Config(data, Path.Combine(_root, "ckpt"), recursive) with { Epochs = 20, EvalInterval = 20, EvalSamples = 2 };
        var steps = new List<MetricsRecord>();
        Trm.Training.Evaluation.EvaluationResult? eval = null;
        using var trainer = Trainer.CreateBuilder().WithConfig(config).OnStep(steps.Add).OnEvaluation(e => eval = e).Build();
        Assert.That(trainer.ModelConfig.Causal, Is.True);
        Assert.That(trainer.ModelConfig.HCycles, Is.EqualTo(recursive ? 2 : 1));
        var result = trainer.Run();
        Assert.That(steps, Has.Count.EqualTo(60));
        double early = steps.Take(3).Average(s => s["lm_loss"]), late = steps.TakeLast(3).Average(s => s["lm_loss"]);
        Assert.That(late, Is.LessThan(early * 0.6), $"loss {early:F3} → {late:F3}");
        Assert.That(eval, Is.Not.Null);
        Assert.That(eval!.Values["perplexity"], Is.EqualTo(Math.Exp(eval.LmLoss)).Within(1e-9));
        Assert.That(eval.Accuracy, Is.InRange(0.0, 1.0));
        Assert.That(eval.Samples, Has.Count.EqualTo(2));
        Assert.That(eval.Samples[0], Does.Contain("<|assistant|>").And.Contain(" ⇒ "));
        Assert.That(result.LastCheckpoint, Is.Not.Null);
        var checkpoint = TrmCheckpoint.Open(result.LastCheckpoint!);
        Assert.That(checkpoint.Metadata["tokenizer"], Is.EqualTo("char:vocab.json"));
        Assert.That(File.Exists(checkpoint.FilePath("vocab.json")), Is.True);
    }

    [Test]
    public void ATinyModelOverfitsOneConversationAndGeneratesItVerbatim()
    {
        var pair = ("reverse stressed", "desserts");
        var data = TinyChat.Build(Path.Combine(_root, "data"), [.. Enumerable.Repeat(pair, 4)], trainSplit: 1.0);
        var config = TinyChat.Config(data, Path.Combine(_root, "ckpt")) with { Epochs = 200, EvalInterval = null, Arch = TinyChat.Config(data, "").Arch with { LLayers = 2 } };
        // Train until every answer token is right with a small loss (at most 400 steps); cancelling still writes a checkpoint.
        using var learned = new CancellationTokenSource();
        using var trainer = Trainer.CreateBuilder().WithConfig(config).OnStep(m => { if (m["accuracy"] == 1 && m["lm_loss"] < 0.02) learned.Cancel(); }).Build();
        var result = trainer.Run(cancellationToken: learned.Token);
        Assert.That(result.StopReason, Is.EqualTo("cancelled"), $"not learned in {result.Steps} steps");

        // The checkpoint the trainer wrote generates the answer greedily, from the prompt alone.
        using var chat = TextGenerator.CreateBuilder().FromCheckpoint(result.LastCheckpoint!).BuildChat();
        var reply = chat.Complete([ChatMessage.User(pair.Item1)], GenerationOptions.Greedy with { MaxNewTokens = 20 });
        Assert.That(reply.Content, Is.EqualTo(pair.Item2));
    }

    [Test]
    public void TokenStreamsTrainTheCausalModelNanoGptStyle()
    {
        var text = string.Concat(Enumerable.Repeat("to be or not to be, that is the question. ", 40));
        var a = TinyChat.Stream(Path.Combine(_root, "a"), text);
        var b = TinyChat.Stream(Path.Combine(_root, "b"), text.ToUpperInvariant());
        var config = ConfigLoader.Load(["training_mode=multidataset", $"dataset_list=[{a},{b}]", "dataset_sampling_probs=[0.7,0.3]", "sampling_method=without_replacement",
            "batch_size=4", "grad_accum_steps=1", "block_size=16", "max_iters=12", "device=cpu", "lr=3e-3", "lr_warmup_steps=0", "arch.hidden_size=32", "arch.num_heads=2", "arch.L_layers=1",
            "eval_max_examples=8", "eval_samples=1", $"checkpoint_path={Path.Combine(_root, "ckpt")}", "+run_name=stream"]);
        Assert.That(config.GlobalBatchSize, Is.EqualTo(4));
        Assert.That(config.MaxSteps, Is.EqualTo(12));
        var steps = new List<MetricsRecord>();
        using var trainer = Trainer.CreateBuilder().WithConfig(config).OnStep(steps.Add).Build();
        Assert.That(trainer.DataKind, Is.EqualTo(TrainingDataKind.TokenStream));
        Assert.That(trainer.ModelConfig.Causal, Is.True);
        Assert.That(trainer.ModelConfig.SeqLen, Is.EqualTo(16));
        var result = trainer.Run();
        Assert.That(result.Steps, Is.EqualTo(12));
        Assert.That(steps.Select(s => s["count"]), Is.All.EqualTo(4 * 16), "every target of a token stream counts");
        Assert.That(steps[^1]["lm_loss"], Is.LessThan(steps[0]["lm_loss"]));
        Assert.That(result.LastEvaluation!.Values["tokens"], Is.EqualTo(8 * 16), "eval_max_examples = 8 rows of 16 tokens");
        Assert.That(result.LastEvaluation.Samples, Has.Count.EqualTo(1));
    }
}
