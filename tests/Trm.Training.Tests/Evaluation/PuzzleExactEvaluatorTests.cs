using Trm.Data.Puzzles;
using Trm.Model;
using Trm.Model.Checkpoints;
using Trm.Training.Evaluation;
using Trm.Training.Tests.Training;

namespace Trm.Training.Tests.Evaluation;

public class PuzzleExactEvaluatorTests
{
    [Test]
    public void AgreesWithTheTrainersEvaluationOnAnOverfitModel()
    {
        var root = Directory.CreateTempSubdirectory("trm-exact-eval-").FullName;
        try
        {
            var data = TinySudoku.Build(Path.Combine(root, "data"), train: 4, test: 4, clues: 70, testIsTrain: true);
            var config = TinySudoku.Config(data, Path.Combine(root, "ckpt"), epochs: 100) with
            {
                Lr = 1e-2,
                LrWarmupSteps = 10,
                Arch = TinySudoku.Config(data, "", 1).Arch with { HCycles = 1, HaltMaxSteps = 1 },
            };
            var (_, result) = TinySudoku.Train(config);
            using var test = PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [data], Split = "test", GlobalBatchSize = 4, TestSetMode = true });
            using var trained = TrmCheckpoint.Open(result.LastCheckpoint!).LoadModel();
            var evaluator = new PuzzleExactEvaluator(test);
            var exact = evaluator.Evaluate(trained);
            Assert.Multiple(() =>
            {
                Assert.That(exact.Problems, Is.EqualTo(4));
                Assert.That(exact["exact_accuracy"], Is.EqualTo(result.LastEvaluation!.ExactAccuracy).And.EqualTo(1.0));
                Assert.That(exact["token_accuracy"], Is.EqualTo(1.0));
            });

            // An untrained model of the same shape solves no puzzle whole.
            using var fresh = new TrmModel(trained.Config, new Trm.Torch.Generator(1));
            var untrained = evaluator.Evaluate(fresh);
            Assert.That((untrained["exact_accuracy"], untrained["token_accuracy"] < 1), Is.EqualTo((0.0, true)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
