using Trm.Data.Puzzles;
using Trm.Model;
using Trm.Torch;
using Trm.Training.Evaluation;
using Trm.Training.Losses;
using Trm.Training.Tests.Training;

namespace Trm.Training.Tests.Evaluation;

public sealed class PuzzleEvaluatorTests
{
    private string _root = "";

    [SetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), $"trm-evaluator-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_root);
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    // The halting head's weight starts at zero, so its logit is its bias at every step:
    // 8 (p 0.9997) stops both solvers at step 1, 1 (p 0.73) stops only the reference's rule (logit > 0), −8 stops neither.
    [TestCase(8.0, 1.0, 1.0)]
    [TestCase(1.0, 1.0, 3.0)]
    [TestCase(-8.0, 3.0, 3.0)]
    public void ReportsWhereEachHaltingRuleStops(double qHaltBias, double haltStep, double earlyStopStep)
    {
        var data = TinySudoku.Build(Path.Combine(_root, "data"), train: 4, test: 6, clues: 40);
        using var test = PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [data], Split = "test", GlobalBatchSize = 4, TestSetMode = true });
        var config = TinySudoku.Config(data, "", 1).Arch with { VocabSize = 11, SeqLen = 81, BatchSize = 4, HaltMaxSteps = 3 };
        using var head = new ActLossHead(new TrmModel(config, new Generator(5)));
        using (Engine.NoGrad())
        {
            head.Model.StateDict()["inner.q_head.bias"].Fill_(qHaltBias);
        }

        var result = PuzzleEvaluator.Evaluate(head, test, Device.Cpu, step: 0, maxExamples: null, CancellationToken.None);

        Assert.That(result.Examples, Is.EqualTo(6), "two batches of 4, the last padded");
        Assert.That(result.MeanSteps, Is.EqualTo(3), "evaluation runs every step");
        Assert.That(result.MeanHaltStep, Is.EqualTo(haltStep));
        Assert.That(result.Values["early_stop_step"], Is.EqualTo(earlyStopStep));
        Assert.That(result.Values["early_stop_exact_accuracy"], Is.InRange(0.0, 1.0));
        if (earlyStopStep == 3)
        {
            Assert.That(result.Values["early_stop_exact_accuracy"], Is.EqualTo(result.ExactAccuracy), "stopping at the last step answers as evaluation does");
        }
    }
}
