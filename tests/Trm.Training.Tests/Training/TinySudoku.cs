using Trm.Data.Puzzles.Sudoku;
using Trm.Model;
using Trm.Torch;
using Trm.Training.Configuration;
using Trm.Training.Metrics;

namespace Trm.Training.Tests.Training;

/// <summary>Tiny Sudoku datasets and TRM configurations small enough for unit tests on a 2-core CPU.</summary>
internal static class TinySudoku
{
    /// <summary>Builds a dataset under <paramref name="root"/>; with <paramref name="testIsTrain"/> the test split is a copy of the train split.</summary>
    public static string Build(string root, int train, int test, int clues, int seed = 0, bool testIsTrain = false)
    {
        new SudokuDatasetBuilder().WithSeed(seed).Generate(train, test).WithClues(clues).Build(root);
        if (testIsTrain)
        {
            var testDir = Path.Combine(root, "test");
            Directory.Delete(testDir, recursive: true);
            Directory.CreateDirectory(testDir);
            foreach (var file in Directory.GetFiles(Path.Combine(root, "train")))
            {
                File.Copy(file, Path.Combine(testDir, Path.GetFileName(file)));
            }
        }
        return root;
    }

    /// <summary>Trains with <paramref name="config"/> to its end; returns every step's metrics and the result.</summary>
    public static (List<MetricsRecord> Steps, TrainingResult Result) Train(TrainConfig config)
    {
        var steps = new List<MetricsRecord>();
        using var trainer = Trainer.CreateBuilder().WithConfig(config).OnStep(steps.Add).Build();
        var result = trainer.Run();
        return (steps, result);
    }

    public static TrainConfig Config(string data, string checkpoints, int epochs, int batch = 4) => new()
    {
        DataPaths = [data],
        CheckpointPath = checkpoints,
        RunName = "test",
        GlobalBatchSize = batch,
        Epochs = epochs,
        EvalInterval = null,
        Lr = 3e-3,
        LrWarmupSteps = 2,
        LrMinRatio = 1.0,
        WeightDecay = 0.01,
        PuzzleEmbLr = 1e-2,
        PuzzleEmbWeightDecay = 0.1,
        Device = "cpu",
        Seed = 3,
        Arch = new TrmConfig
        {
            HiddenSize = 32,
            NumHeads = 2,
            Expansion = 2,
            LLayers = 1,
            HCycles = 2,
            LCycles = 1,
            MlpT = true,
            PosEncodings = PositionEncoding.None,
            PuzzleEmbNdim = 0,
            HaltMaxSteps = 2,
            ForwardDType = DType.Float32,
        },
    };
}
