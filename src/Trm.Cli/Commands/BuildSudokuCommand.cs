using System.CommandLine;
using Trm.Data.Puzzles.Sudoku;

namespace Trm.Cli.Commands;

/// <summary><c>trm data build-sudoku</c>: generated or CSV-imported Sudoku in the TRM puzzle layout.</summary>
internal static class BuildSudokuCommand
{
    public static Command Create()
    {
        var output = PuzzleDataCommands.OutputDirOption();
        var seed = PuzzleDataCommands.SeedOption(0);
        var trainCsv = new Option<string?>("--train-csv") { Description = "sudoku-extreme CSV (source,question,answer,rating) for train; generates puzzles when absent." };
        var testCsv = new Option<string?>("--test-csv") { Description = "sudoku-extreme CSV for test (with --train-csv)." };
        var trainSize = new Option<int>("--train-size") { Description = "Generated training puzzles (default 1000; --subsample-size overrides).", DefaultValueFactory = _ => 1000 };
        var testSize = new Option<int>("--test-size") { Description = "Generated test puzzles.", DefaultValueFactory = _ => 1000 };
        var subsample = new Option<int?>("--subsample-size") { Description = "Keep this many training puzzles (random subset of the CSV, or the generated count)." };
        var numAug = new Option<int>("--num-aug") { Description = "Random symmetries added per training puzzle.", DefaultValueFactory = _ => 0 };
        var difficulty = new Option<SudokuDifficulty>("--difficulty") { Description = "Generator preset: Easy (45 givens), Medium (32), Hard (26), Extreme (minimal).", DefaultValueFactory = _ => SudokuDifficulty.Medium };
        var clues = new Option<int?>("--clues") { Description = "Givens left in generated puzzles (17–81); overrides --difficulty." };
        var minRating = new Option<int?>("--min-rating") { Description = "Keep puzzles rated at least this (CSV rating, or the solver's guess count)." };
        var command = new Command("build-sudoku", "Build a Sudoku puzzle dataset (seq_len 81, vocab 11).");
        foreach (var o in new Option[] { output, seed, trainCsv, testCsv, trainSize, testSize, subsample, numAug, difficulty, clues, minRating })
            command.Options.Add(o);
        command.SetAction(parseResult => PuzzleDataCommands.Run(parseResult, (progress, ct) =>
        {
            var builder = new SudokuDatasetBuilder()
                .WithSeed(parseResult.GetValue(seed))
                .WithDifficulty(parseResult.GetValue(difficulty))
                .WithSubsampleSize(parseResult.GetValue(subsample))
                .WithAugmentations(parseResult.GetValue(numAug))
                .WithMinRating(parseResult.GetValue(minRating));
            if (parseResult.GetValue(clues) is { } c)
                builder.WithClues(c);
            var train = parseResult.GetValue(trainCsv);
            var test = parseResult.GetValue(testCsv);
            if (train is not null || test is not null)
            {
                if (train is null || test is null)
                    throw new ArgumentException("--train-csv and --test-csv go together.");
                builder.FromCsv(train, test);
            }
            else
            {
                builder.Generate(parseResult.GetValue(trainSize), parseResult.GetValue(testSize));
            }
            return builder.Build(parseResult.GetValue(output)!, progress, ct);
        }));
        return command;
    }
}
