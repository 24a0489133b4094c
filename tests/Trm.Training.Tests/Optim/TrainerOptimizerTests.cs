using Trm.Model.Checkpoints;
using Trm.Torch;
using Trm.Torch.Serialization;
using Trm.Training.Configuration;
using Trm.Training.Metrics;
using Trm.Training.Tests.Training;

namespace Trm.Training.Tests.Optim;

/// <summary>The trainer on the engine's optimizers: <c>optimizer=adamw</c> takes the fused AdamW and resumes exactly.</summary>
public sealed class TrainerOptimizerTests
{
    private string _root = "";

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), $"trm-trainer-optim-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
        Engine.SetNumThreads(2);
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static (List<MetricsRecord> Steps, TrainingResult Result) Train(TrainConfig config)
    {
        var steps = new List<MetricsRecord>();
        using var trainer = Trainer.CreateBuilder().WithConfig(config).OnStep(steps.Add).Build();
        return (steps, trainer.Run());
    }

    [Test]
    public void AdamWRunResumesExactlyFromItsSavedState()
    {
        var data = TinySudoku.Build(Path.Combine(_root, "data"), train: 8, test: 4, clues: 45);
        TrainConfig Config(string name, long maxSteps) => TinySudoku.Config(data, Path.Combine(_root, name), epochs: 2) with
        {
            Optimizer = OptimizerKind.AdamW,
            MaxSteps = maxSteps,
        };
        // 8 puzzles, batch 4: 2 steps per epoch, 4 in all; the first run stops after 2.
        var (full, _) = Train(Config("full", 4));
        var (first, firstResult) = Train(Config("half", 2));
        var (second, _) = Train(Config("half", 4) with { LoadCheckpoint = firstResult.LastCheckpoint });

        // The checkpoint holds the AdamW moments and the per-parameter step counts written by OptimizerState.ToMetadata.
        using (var saved = SafeTensors.Load(Path.Combine(firstResult.LastCheckpoint!, "optimizer.safetensors")))
        {
            Assert.That(saved.Metadata["optimizer"], Is.EqualTo("adamw"));
            Assert.That(saved.Metadata["state.0.0.step"], Is.EqualTo("2"));
            Assert.That(saved.Tensors.Keys, Does.Contain("state.0.0.exp_avg").And.Contain("state.0.0.exp_avg_sq"));
        }
        var resumed = first.Concat(second).ToList();
        Assert.That(resumed.Select(r => r.Step), Is.EqualTo(full.Select(r => r.Step)));
        foreach (var (a, b) in full.Zip(resumed))
        {
            foreach (var key in new[] { "lm_loss", "q_halt_loss", "accuracy", "lr" })
            {
                Assert.That(b[key], Is.EqualTo(a[key]).Within(1e-6), $"step {a.Step} {key}");
            }
        }
        Assert.That(full[^1]["lm_loss"], Is.Not.EqualTo(full[0]["lm_loss"]), "the weights moved");
    }

    [Test]
    public void StateOfTheOtherOptimizerIsRefused()
    {
        var data = TinySudoku.Build(Path.Combine(_root, "data"), train: 8, test: 4, clues: 45);
        var config = TinySudoku.Config(data, Path.Combine(_root, "a"), epochs: 1) with { MaxSteps = 1 };
        var (_, result) = Train(config);
        var resumed = config with { Optimizer = OptimizerKind.AdamW, CheckpointPath = Path.Combine(_root, "b"), LoadCheckpoint = result.LastCheckpoint };
        var e = Assert.Throws<TrmCheckpointException>(() => Train(resumed))!;
        Assert.That(e.Message, Does.Contain("optimizer state is for 'adam_atan2', this run uses 'adamw'"));
    }
}
