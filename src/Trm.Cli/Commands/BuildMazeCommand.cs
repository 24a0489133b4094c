using System.CommandLine;
using Trm.Data.Puzzles.Maze;

namespace Trm.Cli.Commands;

/// <summary><c>trm data build-maze</c>: generated mazes with shortest-path labels in the TRM puzzle layout.</summary>
internal static class BuildMazeCommand
{
    public static Command Create()
    {
        var output = PuzzleDataCommands.OutputDirOption();
        var seed = PuzzleDataCommands.SeedOption(0);
        var size = new Option<int>("--size") { Description = "Maze side N (seq_len N²).", DefaultValueFactory = _ => 30 };
        var trainSize = new Option<int>("--train-size") { Description = "Training mazes.", DefaultValueFactory = _ => 1000 };
        var testSize = new Option<int>("--test-size") { Description = "Test mazes.", DefaultValueFactory = _ => 200 };
        var aug = new Option<bool>("--aug") { Description = "Add the 8 dihedral transforms of each training maze." };
        var loops = new Option<double>("--loop-fraction") { Description = "Fraction of corridor walls opened to make loops.", DefaultValueFactory = _ => 0.05 };
        var minDistance = new Option<double>("--min-distance") { Description = "Minimum start–goal distance as a fraction of the farthest cell.", DefaultValueFactory = _ => 0.75 };
        var command = new Command("build-maze", "Build a maze dataset (charset '# SGo', vocab 6).");
        foreach (var o in new Option[] { output, seed, size, trainSize, testSize, aug, loops, minDistance })
            command.Options.Add(o);
        command.SetAction(parseResult => PuzzleDataCommands.Run(parseResult, (progress, ct) =>
            new MazeDatasetBuilder()
                .WithSeed(parseResult.GetValue(seed))
                .WithSize(parseResult.GetValue(size))
                .WithCounts(parseResult.GetValue(trainSize), parseResult.GetValue(testSize))
                .WithDifficulty(parseResult.GetValue(loops), parseResult.GetValue(minDistance))
                .WithDihedralAugmentation(parseResult.GetValue(aug))
                .Build(parseResult.GetValue(output)!, progress, ct)));
        return command;
    }
}
