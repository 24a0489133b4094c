using Trm.Data.Puzzles;
using Trm.Data.Puzzles.Arc;

namespace Trm.Data.Tests.Puzzles.Arc;

public class ArcTests
{
    private static string Tasks(string subset) => PuzzleTestData.Path("arc", subset);

    private static IEnumerable<ArcPair> AllPairs(IEnumerable<ArcTask> tasks) => tasks.SelectMany(t => t.Train.Concat(t.Test));

    [Test]
    public void RealTasks_LoadAndEncodeLosslessly()
    {
        var tasks = ArcTaskReader.ReadDirectory(Tasks("training")).Concat(ArcTaskReader.ReadDirectory(Tasks("evaluation"))).ToList();
        Assert.That(tasks, Has.Count.EqualTo(15));
        var first = tasks.Single(t => t.Id == "007bbfb7");
        Assert.That((first.Train.Count, first.Test.Count), Is.EqualTo((5, 1)));
        Assert.That(first.Test[0].Input[0, 0], Is.EqualTo(7));
        Assert.That(first.Test[0].Output.GetLength(0), Is.EqualTo(9));
        AssertLossless(AllPairs(tasks));
    }

    [Test]
    public void SharedArcSets_EncodeLosslessly_WhenPresent()
    {
        const string shared = "/work/shared/data/arc-agi";
        if (!Directory.Exists(shared))
            Assert.Ignore("The shared ARC-AGI set is not on this machine.");
        var tasks = ArcTaskReader.ReadDirectory(Path.Combine(shared, "training")).Concat(ArcTaskReader.ReadDirectory(Path.Combine(shared, "evaluation"))).ToList();
        Assert.That(tasks, Has.Count.EqualTo(800));
        AssertLossless(AllPairs(tasks));
    }

    private static void AssertLossless(IEnumerable<ArcPair> pairs)
    {
        var rng = new Random(5);
        foreach (var pair in pairs)
        {
            foreach (var grid in new[] { pair.Input, pair.Output })
            {
                var dr = rng.Next(31 - grid.GetLength(0));
                var dc = rng.Next(31 - grid.GetLength(1));
                var tokens = ArcEncoding.Encode(grid, dr, dc).Select(b => (int)b).ToArray();
                Assert.That(ArcEncoding.Decode(tokens), Is.EqualTo(grid));
            }
        }
    }

    [Test]
    public void Encoding_PlacesEosBelowAndRightOfTheGrid()
    {
        byte[,] grid = { { 0, 1, 2 }, { 3, 4, 9 } };
        var t = ArcEncoding.Encode(grid, 1, 2);
        int At(int r, int c) => t[r * 30 + c];
        Assert.That(new[] { At(1, 2), At(1, 3), At(1, 4), At(2, 2), At(2, 3), At(2, 4) }, Is.EqualTo(new[] { 2, 3, 4, 5, 6, 11 }));
        Assert.That(new[] { At(3, 2), At(3, 3), At(3, 4) }, Is.All.EqualTo(1), "EOS row below");
        Assert.That(new[] { At(1, 5), At(2, 5) }, Is.All.EqualTo(1), "EOS column right");
        Assert.That(At(3, 5), Is.Zero, "corner stays PAD");
        Assert.That(t.Count(x => x == 1), Is.EqualTo(5));
        Assert.That(t.Count(x => x == 0), Is.EqualTo(900 - 11));
        // A 30-wide grid has no EOS column; a full canvas has no EOS at all.
        Assert.That(ArcEncoding.Encode(new byte[30, 30]).Distinct(), Is.EqualTo(new byte[] { 2 }));
    }

    [Test]
    public void Augmentations_InvertAndRoundTripTheirNames()
    {
        var tasks = ArcTaskReader.ReadDirectory(Tasks("training"));
        var seed = 0;
        foreach (var pair in AllPairs(tasks))
        {
            var aug = ArcAugmentation.Random(seed++);
            var name = aug.Name("task");
            var (id, parsed) = ArcAugmentation.Parse(name);
            Assert.That(id, Is.EqualTo("task"));
            Assert.That((parsed.Transform, parsed.ColorMap), Is.EqualTo((aug.Transform, aug.ColorMap)));
            Assert.That(parsed.Invert(aug.Apply(pair.Input)), Is.EqualTo(pair.Input));
            Assert.That(parsed.Invert(aug.Apply(pair.Output)), Is.EqualTo(pair.Output));
        }
        // Hand-checked: colours 1↔2 swapped, then transposed.
        var swap = new ArcAugmentation(6, [0, 2, 1, 3, 4, 5, 6, 7, 8, 9]);
        Assert.That(swap.Apply(new byte[,] { { 1, 0 }, { 2, 3 } }), Is.EqualTo(new byte[,] { { 2, 1 }, { 0, 3 } }));
        Assert.That(swap.Name("abc"), Is.EqualTo("abc|||t6|||0213456789"));
        Assert.That(ArcAugmentation.Parse("abc").Augmentation.IsIdentity, Is.True);
        Assert.Throws<FormatException>(() => ArcAugmentation.Parse("abc|||t9|||0213456789"));
        Assert.Throws<ArgumentException>(() => new ArcAugmentation(0, [1, 0, 2, 3, 4, 5, 6, 7, 8, 9]));
    }

    [Test]
    public void KaggleChallengesFile_TakesOutputsFromTheSolutionsFile()
    {
        var dir = PuzzleTestData.NewTempDirectory();
        try
        {
            var tasks = ArcTaskReader.ReadDirectory(Tasks("evaluation"));
            string Rows(byte[,] g) => "[" + string.Join(",", Enumerable.Range(0, g.GetLength(0)).Select(r => "[" + string.Join(",", Enumerable.Range(0, g.GetLength(1)).Select(c => g[r, c])) + "]")) + "]";
            string Pair(ArcPair p, bool output) => "{\"input\":" + Rows(p.Input) + (output ? ",\"output\":" + Rows(p.Output) : "") + "}";
            var challenges = "{" + string.Join(",", tasks.Select(t => $"\"{t.Id}\":{{\"train\":[{string.Join(",", t.Train.Select(p => Pair(p, true)))}],\"test\":[{string.Join(",", t.Test.Select(p => Pair(p, false)))}]}}")) + "}";
            var solutions = "{" + string.Join(",", tasks.Select(t => $"\"{t.Id}\":[{string.Join(",", t.Test.Select(p => Rows(p.Output)))}]")) + "}";
            var path = Path.Combine(dir, "arc-agi_evaluation_challenges.json");
            File.WriteAllText(path, challenges);
            var withoutSolutions = ArcTaskReader.Read(path);
            Assert.That(withoutSolutions[0].Test[0].Output, Is.EqualTo(new byte[1, 1]));
            File.WriteAllText(Path.Combine(dir, "arc-agi_evaluation_solutions.json"), solutions);
            var read = ArcTaskReader.Read(path);
            Assert.That(read.Select(t => t.Id), Is.EqualTo(tasks.Select(t => t.Id)));
            for (var i = 0; i < tasks.Count; i++)
            {
                Assert.That(read[i].Train.Select(p => p.Output), Is.EqualTo(tasks[i].Train.Select(p => p.Output)));
                Assert.That(read[i].Test.Select(p => p.Output), Is.EqualTo(tasks[i].Test.Select(p => p.Output)));
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void MalformedTasks_NameFileAndField()
    {
        var e = Assert.Throws<TrmDataException>(() => ArcTaskReader.Parse("{\"train\":[{\"input\":[[1,2],[3]],\"output\":[[1]]}],\"test\":[]}", "x", "x.json"));
        Assert.That((e!.File, e.Field), Is.EqualTo(("x.json", "train[0].input[1]")));
        e = Assert.Throws<TrmDataException>(() => ArcTaskReader.Parse("{\"train\":[],\"test\":[{\"input\":[[1]],\"output\":[[1,10]]}]}", "x", "x.json"));
        Assert.That(e!.Field, Is.EqualTo("test[0].output[0][1]"));
        e = Assert.Throws<TrmDataException>(() => ArcTaskReader.Parse("{\"train\":[]}", "x", "x.json"));
        Assert.That(e!.Field, Is.EqualTo("test"));
    }

    [Test]
    public void Builder_SplitsEvaluationTasks_AugmentsAndMapsBack()
    {
        var dir = PuzzleTestData.NewTempDirectory();
        try
        {
            var output = Path.Combine(dir, "arc");
            var result = new ArcDatasetBuilder().WithSeed(1).AddTrainingTasks(Tasks("training")).AddEvaluationTasks(Tasks("evaluation"))
                .WithAugmentations(3).Build(output);
            var training = ArcTaskReader.ReadDirectory(Tasks("training"));
            var evaluation = ArcTaskReader.ReadDirectory(Tasks("evaluation"));
            Assert.That(result.Train.TotalGroups, Is.EqualTo(15));
            Assert.That(result.Test.TotalGroups, Is.EqualTo(5));
            Assert.That(result.Train.TotalPuzzles, Is.EqualTo(60));
            Assert.That(result.Test.TotalPuzzles, Is.EqualTo(20));
            Assert.That((result.Train.SeqLen, result.Train.VocabSize, result.Train.IgnoreLabelId), Is.EqualTo((900, 12, (int?)0)));
            var names = PuzzleIdentifiers.Read(output);
            Assert.That(names, Has.Count.EqualTo(1 + 60));
            Assert.That(result.Train.NumPuzzleIdentifiers, Is.EqualTo(61));
            Assert.That(File.Exists(Path.Combine(output, "test_puzzles.json")), Is.True);

            // Every test example, mapped back through its identifier's inverse transform, is a test pair of its task.
            using var test = PuzzleSplit.Open(Path.Combine(output, "test"));
            var set = test.Sets[0];
            var input = new int[900];
            var label = new int[900];
            for (var p = 0; p < set.PuzzleCount; p++)
            {
                var (taskId, aug) = ArcAugmentation.Parse(names[set.PuzzleIdentifiers[p]]);
                var task = evaluation.Single(t => t.Id == taskId);
                for (var e = set.PuzzleIndices[p]; e < set.PuzzleIndices[p + 1]; e++)
                {
                    set.ReadExample(e, input, label);
                    var original = aug.Invert(ArcEncoding.Decode(input)!);
                    var k = task.Test.ToList().FindIndex(pair => pair.Input.Cast<byte>().SequenceEqual(original.Cast<byte>()) && pair.Input.GetLength(0) == original.GetLength(0));
                    Assert.That(k, Is.GreaterThanOrEqualTo(0), $"{names[set.PuzzleIdentifiers[p]]}: input not found");
                    Assert.That(aug.Invert(ArcEncoding.Decode(label)!), Is.EqualTo(task.Test[k].Output));
                }
            }

            // Training examples of evaluation tasks use the same identifiers as their test puzzles; training tasks hold all pairs.
            using var train = PuzzleSplit.Open(Path.Combine(output, "train"));
            var trainIds = train.Sets[0].PuzzleIdentifiers.ToHashSet();
            Assert.That(set.PuzzleIdentifiers, Is.SubsetOf(trainIds));
            var ts = train.Sets[0];
            var sizes = Enumerable.Range(0, ts.PuzzleCount).ToDictionary(p => names[ts.PuzzleIdentifiers[p]], p => ts.PuzzleIndices[p + 1] - ts.PuzzleIndices[p]);
            foreach (var t in training)
                Assert.That(sizes[t.Id], Is.EqualTo(t.Train.Count + t.Test.Count));
            foreach (var t in evaluation)
                Assert.That(sizes[t.Id], Is.EqualTo(t.Train.Count));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
