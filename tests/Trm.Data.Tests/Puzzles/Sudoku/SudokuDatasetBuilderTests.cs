using Trm.Data.Puzzles;
using Trm.Data.Puzzles.Sudoku;

namespace Trm.Data.Tests.Puzzles.Sudoku;

public class SudokuDatasetBuilderTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = PuzzleTestData.NewTempDirectory();

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void SmallCpuDataset_HasReferenceLayoutAndValidPuzzles()
    {
        var output = Path.Combine(_dir, "sudoku");
        var stages = new List<string>();
        var result = new SudokuDatasetBuilder().WithSeed(1).Generate(train: 50, test: 20).WithSubsampleSize(30)
            .WithDifficulty(SudokuDifficulty.Easy).WithAugmentations(1)
            .Build(output, new SyncProgress(p => stages.Add(p.Stage)));
        Assert.That(result.Train.TotalGroups, Is.EqualTo(30));
        Assert.That(result.Train.TotalPuzzles, Is.EqualTo(60));
        Assert.That(result.Test.TotalPuzzles, Is.EqualTo(20));
        Assert.That(stages, Does.Contain("generate train").And.Contain("write"));
        Assert.That(PuzzleIdentifiers.Read(output), Is.EqualTo(new[] { "<blank>" }));
        Assert.That(Directory.GetDirectories(_dir), Has.Length.EqualTo(1), "no staging folder left behind");

        using var split = PuzzleSplit.Open(Path.Combine(output, "train"));
        var m = split.Metadata;
        Assert.That((m.VocabSize, m.SeqLen, m.PadId, m.IgnoreLabelId, m.NumPuzzleIdentifiers), Is.EqualTo((11, 81, 0, (int?)0, 1)));
        var set = split.Sets[0];
        Assert.That(set.Inputs.DType, Is.EqualTo(Trm.Data.Npy.NpyDType.UInt8));
        Assert.That(set.GroupIndices.Take(4), Is.EqualTo(new[] { 0, 2, 4, 6 }));
        var input = new int[81];
        var label = new int[81];
        for (var e = 0; e < set.ExampleCount; e++)
        {
            set.ReadExample(e, input, label);
            var puzzle = SudokuEncoding.Decode(input);
            var solution = SudokuEncoding.Decode(label);
            Assert.That(SudokuSolver.IsSolutionOf(puzzle, solution), Is.True);
            Assert.That(puzzle.Count(d => d != 0), Is.EqualTo(45));
            Assert.That(input.Min(), Is.GreaterThanOrEqualTo(1));
        }
    }

    [Test]
    public void SameSeed_SameBytes()
    {
        new SudokuDatasetBuilder().WithSeed(4).Generate(10, 5).WithAugmentations(2).Build(Path.Combine(_dir, "a"));
        new SudokuDatasetBuilder().WithSeed(4).Generate(10, 5).WithAugmentations(2).Build(Path.Combine(_dir, "b"));
        foreach (var f in new[] { "train/all__inputs.npy", "train/all__labels.npy", "test/all__inputs.npy", "train/dataset.json" })
            Assert.That(File.ReadAllBytes(Path.Combine(_dir, "b", f)), Is.EqualTo(File.ReadAllBytes(Path.Combine(_dir, "a", f))), f);
    }

    [Test]
    public void CancelledRebuild_LeavesThePreviousOutputUntouched()
    {
        var output = Path.Combine(_dir, "s");
        new SudokuDatasetBuilder().WithSeed(1).Generate(5, 5).Build(output);
        var before = File.ReadAllBytes(Path.Combine(output, "train", "all__inputs.npy"));
        using var cts = new CancellationTokenSource();
        // Cancel as soon as the builder reaches the write stage: nothing may reach the target folder.
        var progress = new SyncProgress(p =>
        {
            if (p.Stage == "write")
                cts.Cancel();
        });
        Assert.Catch<OperationCanceledException>(() => new SudokuDatasetBuilder().WithSeed(2).Generate(5, 5).Build(output, progress, cts.Token));
        Assert.That(File.ReadAllBytes(Path.Combine(output, "train", "all__inputs.npy")), Is.EqualTo(before));
        Assert.That(Directory.GetFileSystemEntries(_dir), Is.EqualTo(new[] { output }), "staging folder removed");
    }

    [Test]
    public void CsvImport_SubsamplesAndFiltersByRating()
    {
        var generator = new SudokuGenerator(seed: 3, clues: 36);
        var lines = new List<string> { "source,question,answer,rating" };
        for (var i = 0; i < 12; i++)
        {
            var p = generator.Next();
            lines.Add($"gen{i},{SudokuPuzzle.FormatGrid(p.Puzzle)},{SudokuPuzzle.FormatGrid(p.Solution)},{i}");
        }
        var train = Path.Combine(_dir, "train.csv");
        var test = Path.Combine(_dir, "test.csv");
        File.WriteAllLines(train, lines);
        File.WriteAllLines(test, lines.Take(4));
        var result = new SudokuDatasetBuilder().FromCsv(train, test).WithMinRating(2).WithSubsampleSize(5).Build(Path.Combine(_dir, "out"));
        Assert.That(result.Train.TotalPuzzles, Is.EqualTo(5));
        Assert.That(result.Test.TotalPuzzles, Is.EqualTo(1)); // ratings 0,1,2 in the first three puzzles; only rating 2 kept
    }

    [Test]
    public void CsvErrors_NameLineAndField()
    {
        var p = new SudokuGenerator(seed: 3, clues: 36).Next();
        var q = SudokuPuzzle.FormatGrid(p.Puzzle);
        var a = SudokuPuzzle.FormatGrid(p.Solution);
        TrmDataException Fails(string text) => Assert.Throws<TrmDataException>(() => SudokuCsvReader.Parse(text, "x.csv").ToList())!;

        var e = Fails($"source,question,answer,rating\ns,{q},{a},1\ns,{q[..80]},{a},1");
        Assert.That((e.File, e.Line, e.Field), Is.EqualTo(("x.csv", (long?)3, "question")));
        e = Fails($"source,question,answer,rating\ns,{q},{a},hard");
        Assert.That((e.Line, e.Field), Is.EqualTo(((long?)2, "rating")));
        var wrong = (a[1] + a[0].ToString() + a[2..]);
        e = Fails($"source,question,answer,rating\ns,{q},{wrong},1");
        Assert.That(e.Field, Is.EqualTo("answer"));
        e = Fails($"id,q,a\n");
        Assert.That((e.Line, e.Field), Is.EqualTo(((long?)1, "header")));
        e = Fails($"source,question,answer,rating\ns,{q},{a}");
        Assert.That(e.Line, Is.EqualTo(2));
    }

    private sealed class SyncProgress(Action<PuzzleBuildProgress> report) : IProgress<PuzzleBuildProgress>
    {
        private readonly object _gate = new();

        public void Report(PuzzleBuildProgress value)
        {
            lock (_gate)
                report(value);
        }
    }
}
