using System.Globalization;
using Spectre.Console;
using Trm.Data.Puzzles;
using Trm.Data.Puzzles.Arc;
using Trm.Data.Puzzles.Hanoi;
using Trm.Data.Puzzles.Maze;
using Trm.Data.Puzzles.Sudoku;

namespace Trm.Cli.Commands;

/// <summary>
/// <c>trm data inspect</c> for the TRM puzzle layout (a dataset root with <c>train/</c>/<c>test/</c>, or one split
/// folder): metadata, counts, and the first example decoded — Sudoku as a grid, mazes as characters, Hanoi as pegs,
/// ARC grids in colour. The folder is first validated by the code training runs (<see cref="PuzzleDataset.Open"/> on the train
/// split, and on the test split when there is one, with token checks), so inspect accepts exactly what <c>trm train</c> accepts.
/// </summary>
internal sealed class PuzzleDatasetInspector : IDataInspector
{
    private static readonly string[] Splits = ["train", "test"];

    // The usual ARC palette for colours 0–9.
    private static readonly string[] ArcPalette = ["#000000", "#0074D9", "#FF4136", "#2ECC40", "#FFDC00", "#AAAAAA", "#F012BE", "#FF851B", "#7FDBFF", "#870C25"];

    public string Name => "puzzle";

    public bool CanInspect(string path) =>
        File.Exists(Path.Combine(path, PuzzleDatasetMetadata.FileName)) || Splits.Any(s => File.Exists(Path.Combine(path, s, PuzzleDatasetMetadata.FileName)));

    public void Inspect(string path, TextWriter output)
    {
        ValidateAsTraining(path);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        var splitDirs = File.Exists(Path.Combine(path, PuzzleDatasetMetadata.FileName))
            ? [path]
            : Splits.Select(s => Path.Combine(path, s)).Where(d => File.Exists(Path.Combine(d, PuzzleDatasetMetadata.FileName))).ToArray();
        var root = splitDirs.Length == 1 && splitDirs[0] == path ? Path.GetDirectoryName(Path.GetFullPath(path))! : path;
        output.WriteLine($"puzzle dataset {Path.GetFullPath(path)}");
        if (File.Exists(Path.Combine(root, PuzzleIdentifiers.FileName)))
        {
            var names = PuzzleIdentifiers.Read(root);
            output.WriteLine($"identifiers.json: {names.Count} identifiers ({string.Join(", ", names.Take(4))}{(names.Count > 4 ? ", …" : "")})");
        }
        foreach (var dir in splitDirs)
        {
            using var split = PuzzleSplit.Open(dir, memoryMap: true, validateTokens: false);
            var m = split.Metadata;
            output.WriteLine();
            output.WriteLine($"[{Path.GetFileName(Path.GetFullPath(dir))}] vocab_size {m.VocabSize}, seq_len {m.SeqLen}, pad_id {m.PadId}, ignore_label_id {(m.IgnoreLabelId?.ToString(CultureInfo.InvariantCulture) ?? "null")}, blank_identifier_id {m.BlankIdentifierId}, num_puzzle_identifiers {m.NumPuzzleIdentifiers}");
            output.WriteLine($"  total_groups {m.TotalGroups}, total_puzzles {m.TotalPuzzles}, mean_puzzle_examples {m.MeanPuzzleExamples.ToString("0.###", CultureInfo.InvariantCulture)}");
            foreach (var set in split.Sets)
                output.WriteLine($"  set '{set.Name}': {set.ExampleCount} examples, {set.PuzzleCount} puzzles, {set.GroupCount} groups, tokens {set.Inputs.DType}");
            var first = split.Sets.FirstOrDefault(s => s.ExampleCount > 0);
            if (first is null)
                continue;
            var input = new int[m.SeqLen];
            var label = new int[m.SeqLen];
            first.ReadExample(0, input, label);
            output.WriteLine($"  example 0 of set '{first.Name}' (puzzle identifier {first.PuzzleIdentifiers[0]}):");
            output.Flush();
            Describe(console, output, m, input, label);
        }
        output.Flush();
    }

    /// <summary>Opens the folder as <c>trm train</c> does (a dataset root: train, and test when present) or as an evaluation split does.</summary>
    private static void ValidateAsTraining(string path)
    {
        if (File.Exists(Path.Combine(path, PuzzleDatasetMetadata.FileName)))
        {
            PuzzleSplit.Open(path, memoryMap: true, validateTokens: true).Dispose();
            return;
        }
        PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [path], Split = "train", GlobalBatchSize = 1 }).Dispose();
        if (Directory.Exists(Path.Combine(path, "test")))
            PuzzleDataset.Open(new PuzzleDatasetOptions { DatasetPaths = [path], Split = "test", GlobalBatchSize = 1, TestSetMode = true }).Dispose();
    }

    private static void Describe(IAnsiConsole console, TextWriter output, PuzzleDatasetMetadata m, int[] input, int[] label)
    {
        if (m.VocabSize == SudokuEncoding.VocabSize && m.SeqLen == SudokuEncoding.SeqLen)
        {
            output.WriteLine("  Sudoku puzzle:");
            output.Write(Indent(SudokuEncoding.Render(SudokuEncoding.Decode(input))));
            output.WriteLine("  solution:");
            output.Write(Indent(SudokuEncoding.Render(SudokuEncoding.Decode(label))));
        }
        else if (m.VocabSize == ArcEncoding.VocabSize && m.SeqLen == ArcEncoding.SeqLen)
        {
            foreach (var (name, tokens) in new[] { ("input", input), ("output", label) })
            {
                var grid = ArcEncoding.Decode(tokens);
                output.WriteLine($"  ARC {name}{(grid is null ? ": (no grid)" : $" {grid.GetLength(0)}×{grid.GetLength(1)}:")}");
                output.Flush();
                if (grid is not null)
                    RenderArc(console, grid);
            }
        }
        else if (m.VocabSize == MazeEncoding.VocabSize && IsSquare(m.SeqLen) && m.SeqLen >= 25)
        {
            output.WriteLine("  maze:");
            output.Write(Indent(MazeEncoding.Render(MazeEncoding.Decode(input))));
            output.WriteLine("  shortest path:");
            output.Write(Indent(MazeEncoding.Render(MazeEncoding.Decode(label))));
        }
        else if (m.VocabSize == HanoiEncoding.VocabSize && input.Length >= 3 && input[^1] == HanoiEncoding.Query)
        {
            output.WriteLine("  Tower of Hanoi state:");
            output.Write(Indent(HanoiEncoding.Render(HanoiEncoding.DecodeState(input))));
            var move = HanoiEncoding.DecodeMove(label);
            output.WriteLine($"  next optimal move: {(move is { } mv ? mv.ToString() : "none (solved)")}");
        }
        else
        {
            output.WriteLine($"  input:  {string.Join(' ', input)}");
            output.WriteLine($"  labels: {string.Join(' ', label)}");
        }
    }

    private static void RenderArc(IAnsiConsole console, byte[,] grid)
    {
        for (var r = 0; r < grid.GetLength(0); r++)
        {
            var line = new System.Text.StringBuilder("  ");
            for (var c = 0; c < grid.GetLength(1); c++)
            {
                var colour = grid[r, c];
                var fg = colour is 0 or 1 or 9 ? "#FFFFFF" : "#000000";
                line.Append(CultureInfo.InvariantCulture, $"[{fg} on {ArcPalette[colour]}]{colour} [/]");
            }
            console.MarkupLine(line.ToString());
        }
    }

    private static bool IsSquare(int n)
    {
        var s = (int)Math.Round(Math.Sqrt(n));
        return s * s == n;
    }

    private static string Indent(string text) =>
        string.Concat(text.Split('\n').Where(l => l.Length > 0).Select(l => "    " + l.TrimEnd('\r') + Environment.NewLine));
}
