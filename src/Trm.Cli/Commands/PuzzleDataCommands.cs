using System.CommandLine;
using Trm.Data;
using Trm.Data.Puzzles;

namespace Trm.Cli.Commands;

/// <summary>The puzzle verbs of <c>trm data</c>: build-sudoku, build-maze, build-hanoi and build-arc (inspection goes through <see cref="PuzzleDatasetInspector"/>).</summary>
public static class PuzzleDataCommands
{
    /// <summary>Adds the puzzle verbs to the <c>data</c> command.</summary>
    public static void AddTo(Command data)
    {
        data.Subcommands.Add(BuildSudokuCommand.Create());
        data.Subcommands.Add(BuildMazeCommand.Create());
        data.Subcommands.Add(BuildHanoiCommand.Create());
        data.Subcommands.Add(BuildArcCommand.Create());
    }

    /// <summary>The <c>--output-dir</c> option every builder takes.</summary>
    internal static Option<string> OutputDirOption() => new("--output-dir", "-o") { Description = "Dataset root to write (train/, test/, identifiers.json); replaced atomically.", Required = true };

    /// <summary>The <c>--seed</c> option every builder takes.</summary>
    internal static Option<int> SeedOption(int defaultValue) => new("--seed") { Description = "Random seed (same seed, same bytes).", DefaultValueFactory = _ => defaultValue };

    /// <summary>Runs a build with progress lines and a summary; maps data errors to exit code 1.</summary>
    internal static int Run(ParseResult parseResult, Func<IProgress<PuzzleBuildProgress>, CancellationToken, PuzzleBuildResult> build)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        try
        {
            var result = build(new ProgressWriter(output), CancellationToken.None);
            var train = result.Train;
            var test = result.Test;
            output.WriteLine($"wrote {result.OutputDirectory}");
            output.WriteLine($"  train: {train.TotalGroups} groups, {train.TotalPuzzles} puzzles, {train.MeanPuzzleExamples * train.TotalPuzzles:0} examples");
            output.WriteLine($"  test:  {test.TotalGroups} groups, {test.TotalPuzzles} puzzles, {test.MeanPuzzleExamples * test.TotalPuzzles:0} examples");
            output.WriteLine($"  vocab_size {train.VocabSize}, seq_len {train.SeqLen}, num_puzzle_identifiers {train.NumPuzzleIdentifiers}");
            output.Flush();
            return 0;
        }
        catch (Exception e) when (e is TrmDataException or ArgumentException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            output.Flush();
            error.WriteLine($"error: {e.Message.Split(" (Parameter '")[0]}");
            return 1;
        }
    }

    /// <summary>Prints a line when a stage starts and when it ends (thread-safe; builders report from worker threads).</summary>
    private sealed class ProgressWriter(TextWriter output) : IProgress<PuzzleBuildProgress>
    {
        private readonly object _gate = new();
        private string? _stage;
        private bool _finished;

        public void Report(PuzzleBuildProgress value)
        {
            lock (_gate)
            {
                if (value.Stage != _stage)
                {
                    _stage = value.Stage;
                    _finished = false;
                    output.WriteLine($"{value.Stage}…");
                }
                if (!_finished && value.Total > 0 && value.Done >= value.Total)
                {
                    _finished = true;
                    output.WriteLine($"{value.Stage}: {value.Done}/{value.Total}");
                }
            }
        }
    }
}
