using System.Runtime.CompilerServices;
using Trm.Data.Puzzles;
using Trm.Data.Puzzles.Sudoku;

namespace Trm.Cli.Tests;

public class PuzzleDataCommandTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "trm-cli-puz-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private static string ArcTestTasks([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "Trm.Data.Tests", "Data", "arc"));

    private static CliRunner.Result Inspect(string path) => CliRunner.Run("data", "inspect", path);

    [Test]
    public void BuildSudoku_SmallCpuDataset_ThenInspect()
    {
        var output = Path.Combine(_dir, "sudoku");
        var result = CliRunner.Run("data", "build-sudoku", "--output-dir", output, "--subsample-size", "20", "--num-aug", "1", "--test-size", "10", "--difficulty", "Easy", "--seed", "3");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("train: 20 groups, 40 puzzles, 40 examples"));
        Assert.That(result.Output, Does.Contain("vocab_size 11, seq_len 81, num_puzzle_identifiers 1"));
        using (var split = PuzzleSplit.Open(Path.Combine(output, "test")))
        {
            var input = new int[81];
            var label = new int[81];
            split.Sets[0].ReadExample(9, input, label);
            Assert.That(SudokuSolver.IsSolutionOf(SudokuEncoding.Decode(input), SudokuEncoding.Decode(label)), Is.True);
            Assert.That(SudokuEncoding.Decode(input).Count(d => d != 0), Is.EqualTo(45));
        }

        var inspect = Inspect(output);
        Assert.That(inspect.ExitCode, Is.EqualTo(0), inspect.Error);
        Assert.That(inspect.Output, Does.Contain("[train] vocab_size 11, seq_len 81, pad_id 0, ignore_label_id 0"));
        Assert.That(inspect.Output, Does.Contain("set 'all': 40 examples, 40 puzzles, 20 groups, tokens UInt8"));
        Assert.That(inspect.Output, Does.Contain("------+-------+------"));
    }

    [Test]
    public void BuildMaze_And_BuildHanoi_ThenInspect()
    {
        var maze = Path.Combine(_dir, "maze");
        var result = CliRunner.Run("data", "build-maze", "-o", maze, "--size", "9", "--train-size", "3", "--test-size", "2", "--aug");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("train: 3 groups, 24 puzzles"));
        var inspect = Inspect(maze);
        Assert.That(inspect.Output, Does.Contain("shortest path:"));
        Assert.That(inspect.Output, Does.Contain("#########"));

        var hanoi = Path.Combine(_dir, "hanoi");
        result = CliRunner.Run("data", "build-hanoi", "-o", hanoi, "--discs", "4", "--min-discs", "3");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("train: 27 groups, 27 puzzles"));
        Assert.That(result.Output, Does.Contain("test:  81 groups, 81 puzzles"));
        inspect = Inspect(Path.Combine(hanoi, "test"));
        Assert.That(inspect.Output, Does.Contain("Tower of Hanoi state:"));
        // Test example 0 is state 0: every disc on A, so the first optimal move of 4 discs is A→B.
        Assert.That(inspect.Output, Does.Contain("next optimal move: A→B"));
    }

    [Test]
    public void BuildArc_FromTaskFolders_ThenInspect()
    {
        var arc = Path.Combine(_dir, "arc");
        var result = CliRunner.Run("data", "build-arc", "-o", arc, "--training-dir", Path.Combine(ArcTestTasks(), "training"),
            "--evaluation-dir", Path.Combine(ArcTestTasks(), "evaluation"), "--num-aug", "2");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("train: 15 groups, 45 puzzles"));
        Assert.That(result.Output, Does.Contain("vocab_size 12, seq_len 900, num_puzzle_identifiers 46"));
        var inspect = Inspect(arc);
        Assert.That(inspect.Output, Does.Contain("identifiers.json: 46 identifiers (<blank>,"));
        Assert.That(inspect.Output, Does.Match(@"ARC input \d+×\d+:"));
    }

    [Test]
    public void BadArguments_ExitWithClearErrors()
    {
        var result = CliRunner.Run("data", "build-sudoku", "-o", Path.Combine(_dir, "x"), "--train-csv", Path.Combine(_dir, "a.csv"));
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("--train-csv and --test-csv go together"));

        File.WriteAllText(Path.Combine(_dir, "bad.csv"), "source,question,answer,rating\nx,123,456,1\n");
        result = CliRunner.Run("data", "build-sudoku", "-o", Path.Combine(_dir, "x"), "--train-csv", Path.Combine(_dir, "bad.csv"), "--test-csv", Path.Combine(_dir, "bad.csv"));
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("bad.csv:2: field 'question'"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "x")), Is.False);

        result = CliRunner.Run("data", "build-arc", "-o", Path.Combine(_dir, "y"));
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Error, Does.Contain("--training-dir"));

        result = CliRunner.Run("data", "build-maze");
        Assert.That(result.ExitCode, Is.Not.EqualTo(0));
    }
}
