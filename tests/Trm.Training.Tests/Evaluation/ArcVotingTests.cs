using Trm.Data.Puzzles;
using Trm.Data.Puzzles.Arc;
using Trm.Training.Evaluation;
using Trm.Training.Tests.Training;

namespace Trm.Training.Tests.Evaluation;

public class ArcVotingTests
{
    private static readonly byte[,] Input = { { 1, 2, 0 }, { 0, 3, 4 } };
    private static readonly byte[,] Output = { { 4, 0 }, { 3, 2 }, { 0, 1 } };
    private static readonly byte[,] Wrong = { { 5, 5 }, { 5, 6 }, { 0, 0 } };

    // Two augmentations with a transform that changes the shape (transpose-like) and a colour permutation.
    private static readonly ArcAugmentation A1 = new(1, [0, 2, 3, 4, 5, 6, 7, 8, 9, 1]);
    private static readonly ArcAugmentation A2 = new(5, [0, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    private static readonly ArcAugmentation A3 = new(6, [0, 3, 1, 2, 4, 5, 6, 7, 8, 9]);

    private static ArcPrediction On(ArcAugmentation a, byte[,] answer, double confidence = 0) =>
        new(a.Name("task"), a.Apply(Input), a.Apply(answer), a.Apply(Output), confidence);

    [Test]
    public void AugmentedPredictionsVoteBackToTheOriginal()
    {
        // Every prediction is the right answer seen through its augmentation: mapped back, all three agree.
        var result = ArcVoting.Vote([On(ArcAugmentation.Identity, Output), On(A1, Output), On(A2, Output), On(A3, Wrong)]);
        Assert.Multiple(() =>
        {
            Assert.That(result.Tasks, Is.EqualTo(1));
            Assert.That(result.TestInputs, Is.EqualTo(1), "the augmented inputs map back to one original input");
            Assert.That(result.PassAt[1], Is.EqualTo(1.0));
            Assert.That(result.Answers["task"][0], Has.Count.EqualTo(2));
            Assert.That(result.Answers["task"][0][0], Is.EqualTo(Output));
            Assert.That(result.Answers["task"][0][1], Is.EqualTo(Wrong));
        });
    }

    [Test]
    public void UninvertedAnswerDoesNotCount()
    {
        // The original grid given as the answer on an augmented copy means a different grid once inverted.
        var result = ArcVoting.Vote([new ArcPrediction(A1.Name("task"), A1.Apply(Input), Output, A1.Apply(Output), 0)]);
        Assert.That(result.PassAt[1], Is.EqualTo(0.0));
    }

    [Test]
    public void MostVotesFirstThenConfidence()
    {
        // The wrong answer has two votes, the right one one: pass@1 fails, pass@2 succeeds.
        var result = ArcVoting.Vote([On(A1, Wrong), On(A2, Wrong), On(A3, Output, confidence: 9)]);
        Assert.That((result.PassAt[1], result.PassAt[2]), Is.EqualTo((0.0, 1.0)));
        // One vote each: the more confident answer wins.
        var tie = ArcVoting.Vote([On(A1, Wrong, confidence: -1), On(A2, Output, confidence: 2)]);
        Assert.That(tie.PassAt[1], Is.EqualTo(1.0));
    }

    [Test]
    public void TasksAreAveragedOverTheirTestInputs()
    {
        var second = new byte[,] { { 7 } };
        var predictions = new List<ArcPrediction>
        {
            On(A1, Output),
            new(A1.Name("task"), A1.Apply(second), A1.Apply(second), A1.Apply(new byte[,] { { 8 } }), 0), // wrong on input 2
            new("other", second, second, second, 0),
        };
        var result = ArcVoting.Vote(predictions);
        Assert.That(result.PassAt[1], Is.EqualTo((0.5 + 1.0) / 2));
    }

    [Test]
    public void TrainerRunsTheArcEvaluatorWhenConfigured()
    {
        var dir = Directory.CreateTempSubdirectory("trm-arc-eval-").FullName;
        try
        {
            var data = Path.Combine(dir, "arc");
            ArcTask Task(string id, byte color) => new(id,
                [new ArcPair(new byte[,] { { color, 0 } }, new byte[,] { { 0, color } })],
                [new ArcPair(new byte[,] { { color, color } }, new byte[,] { { color } })]);
            new ArcDatasetBuilder().WithSeed(1).AddTasks([Task("a", 1), Task("b", 2)], evaluation: false)
                .AddTasks([Task("c", 3), Task("d", 4)], evaluation: true).WithAugmentations(2).Build(data);
            var config = TinySudoku.Config(data, Path.Combine(dir, "ckpt"), epochs: 1) with { Evaluators = ["arc"], MaxSteps = 1 };
            config = config with { Arch = config.Arch with { PuzzleEmbNdim = 32, PuzzleEmbLen = 1, MlpT = false } };
            var evaluations = new List<EvaluationResult>();
            using var trainer = Trainer.CreateBuilder().WithConfig(config).OnEvaluation(evaluations.Add).Build();
            trainer.Run();
            var values = evaluations[^1].Values;
            Assert.Multiple(() =>
            {
                Assert.That(values["arc/tasks"], Is.EqualTo(2), "the two evaluation tasks");
                Assert.That(values["arc/pass@1"], Is.InRange(0.0, values["arc/pass@2"]));
                Assert.That(values, Does.ContainKey("exact_accuracy"));
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
