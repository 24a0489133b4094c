using Trm.Data.Puzzles;
using Trm.Inference.Puzzles;
using Trm.Model;
using Trm.Model.Configuration;
using Trm.Torch;

namespace Trm.Training.Tests.Training;

/// <summary>Packages composed as objects: datasets and a model opened in-process, handed to the trainer, then to a solver.</summary>
public sealed class CompositionTests
{
    private string _root = "";

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), $"trm-compose-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Test]
    public void TrainerTakesDatasetAndModelObjectsAndTheSolverTakesTheLiveModel()
    {
        var data = TinySudoku.Build(Path.Combine(_root, "data"), train: 8, test: 2, clues: 60);
        var config = TinySudoku.Config("", Path.Combine(_root, "ckpt"), epochs: 2) with { DataPaths = [], MaxSteps = 3 };
        using var train = PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [data], Split = "train", GlobalBatchSize = config.GlobalBatchSize, EpochsPerIteration = config.Epochs, Seed = config.Seed });
        using var test = PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [data], Split = "test", GlobalBatchSize = config.GlobalBatchSize, TestSetMode = true });
        using var model = new TrmModel(config.Arch with { VocabSize = train.VocabSize, SeqLen = train.SeqLen, NumPuzzleIdentifiers = train.NumPuzzleIdentifiers }, new Generator(5));

        TrainingResult result;
        using (var trainer = Trainer.CreateBuilder().WithConfig(config).WithData(train, test).WithModel(model).Build())
        {
            Assert.That(trainer.Model, Is.SameAs(model));
            Assert.That(trainer.Config.DataPaths, Is.EqualTo(new[] { data }), "data_paths defaults to the dataset object's folders");
            result = trainer.Run();
        }
        Assert.That(result.Steps, Is.EqualTo(3));
        Assert.That(result.LastEvaluation!.Examples, Is.EqualTo(2));
        Assert.That(double.IsFinite(result.LastEvaluation.LmLoss), Is.True, $"eval loss {result.LastEvaluation.LmLoss}");

        // The trainer is gone; the caller's model and datasets are still alive and usable.
        using var solver = new PuzzleSolver(model);
        var puzzle = test.EnumerateBatches().First().Inputs.AsSpan(0, 81).ToArray();
        var solution = solver.Solve(puzzle);
        Assert.That(solution.Tokens, Has.Length.EqualTo(81));
        Assert.That(train.EnumerateBatches().First().BatchSize, Is.EqualTo(config.GlobalBatchSize));
    }

    [Test]
    public void DatasetObjectsMustMatchTheRunsBatchAndModelTheDataShape()
    {
        var data = TinySudoku.Build(Path.Combine(_root, "data"), train: 8, test: 2, clues: 60);
        var config = TinySudoku.Config(data, Path.Combine(_root, "ckpt"), epochs: 2);
        using var wrongBatch = PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [data], Split = "train", GlobalBatchSize = config.GlobalBatchSize * 2, EpochsPerIteration = config.Epochs });
        var e = Assert.Throws<TrmConfigException>(() => Trainer.CreateBuilder().WithConfig(config).WithData(wrongBatch).Build())!;
        Assert.That(e.Key, Is.EqualTo("global_batch_size"));

        using var wrongModel = new TrmModel(config.Arch with { VocabSize = 5, SeqLen = 81 }, new Generator(1));
        var m = Assert.Throws<TrmConfigException>(() => Trainer.CreateBuilder().WithConfig(config with { RunName = "m" }).WithModel(wrongModel).Build())!;
        Assert.That(m.Message, Does.Contain("vocab_size 5"));
    }
}
