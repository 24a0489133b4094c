using Trm.Model.Checkpoints;
using Trm.Torch;
using Trm.Training.Configuration;
using Trm.Training.Evaluation;
using Trm.Training.Metrics;

namespace Trm.Training.Tests.Training;

public sealed class TrainerTests
{
    private string _root = "";

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), $"trm-trainer-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
        Engine.SetNumThreads(2);
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static (List<MetricsRecord> Steps, TrainingResult Result) Train(TrainConfig config) => TinySudoku.Train(config);

    [Test]
    public void TinyTrmOverfitsAHandfulOfPuzzles()
    {
        var data = TinySudoku.Build(Path.Combine(_root, "data"), train: 4, test: 4, clues: 70, testIsTrain: true);
        var config = TinySudoku.Config(data, Path.Combine(_root, "ckpt"), epochs: 100) with
        {
            Lr = 1e-2,
            LrWarmupSteps = 10,
            Arch = TinySudoku.Config(data, "", 1).Arch with { HCycles = 1, HaltMaxSteps = 1 },
        };
        var (steps, result) = Train(config);
        Assert.That(steps, Has.Count.EqualTo(100));
        Assert.That(steps[^1]["lm_loss"], Is.LessThan(steps[0]["lm_loss"] / 10), "the loss falls by an order of magnitude");
        Assert.That(result.LastEvaluation!.Examples, Is.EqualTo(4));
        Assert.That(result.LastEvaluation.ExactAccuracy, Is.EqualTo(1.0), "every training puzzle is solved exactly");
        Assert.That(result.LastEvaluation.Accuracy, Is.EqualTo(1.0).Within(1e-6));
    }

    [Test]
    public void ResumeReproducesTheUninterruptedRun()
    {
        var data = TinySudoku.Build(Path.Combine(_root, "data"), train: 12, test: 4, clues: 40);
        TrainConfig Config(string name, long maxSteps) => TinySudoku.Config(data, Path.Combine(_root, name), epochs: 3) with
        {
            MaxSteps = maxSteps,
            Ema = true,
            EmaRate = 0.9,
            Arch = TinySudoku.Config(data, "", 1).Arch with { PuzzleEmbNdim = 32, PuzzleEmbLen = 1, HaltMaxSteps = 3, HaltExplorationProb = 0.5 },
        };
        // 12 puzzles, batch 4: 3 steps per epoch, 9 in all; the stop at 4 falls inside the second epoch.
        var (full, fullResult) = Train(Config("full", 8));
        var (first, firstResult) = Train(Config("half", 4));
        Assert.That(firstResult.LastCheckpoint, Does.EndWith("step_4"));
        var (second, secondResult) = Train(Config("half", 8) with { LoadCheckpoint = firstResult.LastCheckpoint });

        var resumed = first.Concat(second).ToList();
        Assert.That(resumed.Select(r => r.Step), Is.EqualTo(full.Select(r => r.Step)));
        foreach (var (a, b) in full.Zip(resumed))
        {
            foreach (var key in new[] { "lm_loss", "q_halt_loss", "accuracy", "exact_accuracy", "q_halt_accuracy", "steps", "count", "lr" })
            {
                Assert.That(b[key], Is.EqualTo(a[key]).Within(1e-6), $"step {a.Step} {key}");
            }
        }
        foreach (var (key, value) in fullResult.LastEvaluation!.Values.Where(kv => kv.Key != "eval_seconds"))
        {
            Assert.That(secondResult.LastEvaluation!.Values[key], Is.EqualTo(value).Within(1e-6), $"eval {key}");
        }

        // The metrics file of the resumed run holds each step once.
        var logged = MetricsJsonlWriter.Read(Path.Combine(_root, "half", "metrics.jsonl")).Where(r => r.Split == "train").Select(r => r.Step);
        Assert.That(logged, Is.EqualTo(new long[] { 1, 2, 3, 4, 5, 6, 7, 8 }));
    }

    [Test]
    public void MetricsFileHoldsEveryStepAndTheEvaluation()
    {
        var data = TinySudoku.Build(Path.Combine(_root, "data"), train: 8, test: 4, clues: 50);
        var metricsPath = Path.Combine(_root, "m.jsonl");
        var config = TinySudoku.Config(data, Path.Combine(_root, "ckpt"), epochs: 2);
        var steps = new List<MetricsRecord>();
        EvaluationResult? eval = null;
        using (var trainer = Trainer.CreateBuilder().WithConfig(config).WithMetricsFile(metricsPath).OnStep(steps.Add).OnEvaluation(e => eval = e).Build())
        {
            Assert.That(trainer.TotalSteps, Is.EqualTo(4), "2 epochs · 8 groups · 1 example / batch 4");
            trainer.Run();
        }
        var records = MetricsJsonlWriter.Read(metricsPath);
        Assert.That(records.Where(r => r.Split == "train").Select(r => r.Step), Is.EqualTo(new long[] { 1, 2, 3, 4 }));
        var train = records.Where(r => r.Split == "train").ToList();
        for (var i = 0; i < 4; i++)
        {
            foreach (var key in new[] { "lm_loss", "q_halt_loss", "accuracy", "exact_accuracy", "q_halt_accuracy", "steps", "lr", "examples_per_second" })
            {
                Assert.That(train[i].Values.ContainsKey(key), $"step {i + 1} logs {key}");
                Assert.That(train[i][key], Is.EqualTo(steps[i][key]));
            }
        }
        // Linear warm-up over 2 steps, then the constant base rate.
        Assert.That(train.Select(r => r["lr"]), Is.EqualTo(new[] { 1.5e-3, 3e-3, 3e-3, 3e-3 }).Within(1e-12));
        var evalRecord = records.Single(r => r.Split == "eval");
        Assert.That(evalRecord.Step, Is.EqualTo(4));
        Assert.That(evalRecord["exact_accuracy"], Is.EqualTo(eval!.ExactAccuracy));
        Assert.That(evalRecord["count"], Is.EqualTo(4));
        Assert.That(evalRecord["steps"], Is.EqualTo(2), "evaluation runs every ACT step");
    }

    [Test]
    public void CorruptedOrMismatchedCheckpointsAreRejected()
    {
        var data = TinySudoku.Build(Path.Combine(_root, "data"), train: 4, test: 4, clues: 50);
        var config = TinySudoku.Config(data, Path.Combine(_root, "ckpt"), epochs: 2);
        var (_, result) = Train(config);
        var checkpoint = result.LastCheckpoint!;
        Assert.That(TrmCheckpoint.Verify(checkpoint).Files.Keys, Is.SupersetOf(new[] { "model.safetensors", "optimizer.safetensors", "carry.safetensors", "trainer.json" }));

        // A model of another width refuses the checkpoint by name.
        var wider = config with { LoadCheckpoint = checkpoint, Arch = config.Arch with { HiddenSize = 48 } };
        var e1 = Assert.Throws<TrmCheckpointException>(() => Trainer.CreateBuilder().WithConfig(wider).Build())!;
        Assert.That(e1.Message, Does.Contain("model configuration differs"));

        // A flipped byte is caught by the checksum.
        var model = Path.Combine(checkpoint, "model.safetensors");
        var bytes = File.ReadAllBytes(model);
        bytes[^3] ^= 0x40;
        File.WriteAllBytes(model, bytes);
        var e2 = Assert.Throws<TrmCheckpointException>(() => Trainer.CreateBuilder().WithConfig(config with { LoadCheckpoint = checkpoint }).Build())!;
        Assert.That(e2.Message, Does.Contain("'model.safetensors' fails its checksum"));
    }

    [Test]
    public void TrainsWithoutATestSplit()
    {
        var data = TinySudoku.Build(Path.Combine(_root, "data"), train: 4, test: 4, clues: 50);
        Directory.Delete(Path.Combine(data, "test"), recursive: true);
        var (steps, result) = Train(TinySudoku.Config(data, Path.Combine(_root, "ckpt"), epochs: 2));
        Assert.That(steps, Has.Count.EqualTo(2));
        Assert.That(result.LastEvaluation, Is.Null);
        Assert.That(result.LastCheckpoint, Does.EndWith("step_2"));
    }

    [Test]
    public void NativeMemoryStaysFlat()
    {
        var data = TinySudoku.Build(Path.Combine(_root, "data"), train: 8, test: 4, clues: 50);
        var config = TinySudoku.Config(data, Path.Combine(_root, "ckpt"), epochs: 200) with { Ema = true, Arch = TinySudoku.Config(data, "", 1).Arch with { HCycles = 1, PuzzleEmbNdim = 32, PuzzleEmbLen = 1 } };
        using var trainer = Trainer.CreateBuilder().WithConfig(config).WithMetricsFile(null).Build();
        for (var i = 0; i < 10; i++) trainer.TrainStep();
        var warm = LiveTensors();
        for (var i = 0; i < 190; i++) trainer.TrainStep();
        Assert.That(trainer.Step, Is.EqualTo(200));
        Assert.That(LiveTensors(), Is.EqualTo(warm), "no tensor leaks across training steps");
        trainer.Evaluate();
        Assert.That(LiveTensors(), Is.EqualTo(warm), "no tensor leaks in evaluation");
    }

    /// <summary>Live native tensors once the finalizers of unreachable handles have run.</summary>
    private static long LiveTensors()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return Engine.LiveTensorCount;
    }

    [Test]
    public void APoisonedPuzzleModelSkipsItsStepsAndRefusesToEvaluateOrSave()
    {
        var data = TinySudoku.Build(Path.Combine(_root, "data"), train: 4, test: 4, clues: 70);
        var config = TinySudoku.Config(data, Path.Combine(_root, "ckpt"), epochs: 10) with { MaxNonFiniteSteps = 2 };
        var steps = new List<MetricsRecord>();
        using var trainer = Trainer.CreateBuilder().WithConfig(config).OnStep(steps.Add).Build();
        trainer.TrainStep();
        Assert.That(steps[0]["nonfinite_steps"], Is.Zero);
        Assert.That(double.IsFinite(steps[0]["grad_norm"]), Is.True);

        var (name, weight) = trainer.Model.StateDict().First(kv => kv.Key.Contains("lm_head", StringComparison.Ordinal));
        using (Engine.NoGrad())
        using (var nan = Tensors.FullLike(weight, double.NaN))
        {
            weight.CopyFrom_(nan);
        }
        trainer.TrainStep();
        Assert.That(steps[1]["nonfinite_steps"], Is.EqualTo(1));
        Assert.That(Assert.Throws<NonFiniteTrainingException>(() => trainer.Evaluate())!.Message, Does.Contain("evaluation loss"));
        Assert.That(Assert.Throws<NonFiniteTrainingException>(() => trainer.SaveCheckpoint())!.Message, Does.Contain(name));
        Assert.That(Directory.Exists(Path.Combine(trainer.CheckpointRoot, TrmCheckpoint.StepFolderName(2))), Is.False);
        Assert.That(Assert.Throws<NonFiniteTrainingException>(() => trainer.TrainStep())!.Message, Does.Contain("2 consecutive steps"));
    }
}
