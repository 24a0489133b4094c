using System.CommandLine;
using Trm.Data.Puzzles.Hanoi;

namespace Trm.Cli.Commands;

/// <summary><c>trm data build-hanoi</c>: Tower of Hanoi states → next optimal move in the TRM puzzle layout.</summary>
internal static class BuildHanoiCommand
{
    public static Command Create()
    {
        var output = PuzzleDataCommands.OutputDirOption();
        var seed = PuzzleDataCommands.SeedOption(0);
        var discs = new Option<int>("--discs") { Description = "Largest disc count (1–12).", DefaultValueFactory = _ => 6 };
        var minDiscs = new Option<int>("--min-discs") { Description = "Smallest disc count.", DefaultValueFactory = _ => 2 };
        var split = new Option<HanoiSplit>("--split") { Description = "ByDiscs: test on the largest disc count; ByState: random held-out states.", DefaultValueFactory = _ => HanoiSplit.ByDiscs };
        var testFraction = new Option<double>("--test-fraction") { Description = "Held-out fraction for --split ByState.", DefaultValueFactory = _ => 0.1 };
        var command = new Command("build-hanoi", "Build a Tower of Hanoi dataset (state → next optimal move).");
        foreach (var o in new Option[] { output, seed, discs, minDiscs, split, testFraction })
            command.Options.Add(o);
        command.SetAction(parseResult => PuzzleDataCommands.Run(parseResult, (progress, ct) =>
            new HanoiDatasetBuilder()
                .WithSeed(parseResult.GetValue(seed))
                .WithDiscs(parseResult.GetValue(minDiscs), parseResult.GetValue(discs))
                .WithSplit(parseResult.GetValue(split), parseResult.GetValue(testFraction))
                .Build(parseResult.GetValue(output)!, progress, ct)));
        return command;
    }
}
