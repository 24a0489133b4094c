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

    [Test]
    public void EvaluatesWithEvalHaltMaxStepsInsteadOfTheTrainingLimit()
    {
        var data = TinySudoku.Build(Path.Combine(_root, "data"), train: 4, test: 6, clues: 40);
        using var test = PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [data], Split = "test", GlobalBatchSize = 4, TestSetMode = true });
        var config = TinySudoku.Config(data, "", 1).Arch with { VocabSize = 11, SeqLen = 81, BatchSize = 4, HaltMaxSteps = 2, EvalHaltMaxSteps = 5 };
        using var head = new ActLossHead(new TrmModel(config, new Generator(5)));
        using (Engine.NoGrad())
        {
            head.Model.StateDict()["inner.q_head.bias"].Fill_(-8.0); // never confident: every row runs to the limit
        }

        var five = PuzzleEvaluator.Evaluate(head, test, Device.Cpu, step: 0, maxExamples: null, CancellationToken.None);
        Assert.That(five.MeanSteps, Is.EqualTo(5), "evaluation runs eval_halt_max_steps, not halt_max_steps");
        Assert.That(five.MeanHaltStep, Is.EqualTo(5));

        // The same weights with the training limit give the 2-step answer: a different model state, so (almost surely) another loss.
        using var twoHead = new ActLossHead(new TrmModel(config with { EvalHaltMaxSteps = null }, new Generator(5)));
        using (Engine.NoGrad())
        {
            twoHead.Model.StateDict()["inner.q_head.bias"].Fill_(-8.0);
        }
        var two = PuzzleEvaluator.Evaluate(twoHead, test, Device.Cpu, step: 0, maxExamples: null, CancellationToken.None);
        Assert.That(two.MeanSteps, Is.EqualTo(2));
        Assert.That(two.Values["lm_loss"], Is.Not.EqualTo(five.Values["lm_loss"]));
    }
}
