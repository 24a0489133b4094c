using System.CommandLine;
using Trm.Data.Puzzles.Arc;

namespace Trm.Cli.Commands;

/// <summary><c>trm data build-arc</c>: ARC-AGI task folders → the TRM puzzle layout with augmentations.</summary>
internal static class BuildArcCommand
{
    public static Command Create()
    {
        var output = PuzzleDataCommands.OutputDirOption();
        var seed = PuzzleDataCommands.SeedOption(42);
        var training = new Option<string[]>("--training-dir") { Description = "Folder of task JSON files (or a Kaggle *_challenges.json) whose pairs all go to train (repeatable).", AllowMultipleArgumentsPerToken = true };
        var evaluation = new Option<string[]>("--evaluation-dir") { Description = "Folder of task JSON files (or a Kaggle *_challenges.json): demonstrations to train, test pairs to test (repeatable).", AllowMultipleArgumentsPerToken = true };
        var numAug = new Option<int>("--num-aug") { Description = "Augmented versions per task (colour permutation + dihedral transform).", DefaultValueFactory = _ => 1000 };
        var noTranslation = new Option<bool>("--no-translation") { Description = "Keep every training grid at the top-left corner." };
        var idStart = new Option<int>("--identifier-start") { Description = "First puzzle identifier (0 is the blank).", DefaultValueFactory = _ => 1 };
        var command = new Command("build-arc", "Build an ARC-AGI dataset (30×30, vocab 12).");
        foreach (var o in new Option[] { output, seed, training, evaluation, numAug, noTranslation, idStart })
            command.Options.Add(o);
        command.SetAction(parseResult => PuzzleDataCommands.Run(parseResult, (progress, ct) =>
        {
            var builder = new ArcDatasetBuilder()
                .WithSeed(parseResult.GetValue(seed))
                .WithAugmentations(parseResult.GetValue(numAug))
                .WithTranslation(!parseResult.GetValue(noTranslation))
                .WithIdentifierStart(parseResult.GetValue(idStart));
            var trainDirs = parseResult.GetValue(training) ?? [];
            var evalDirs = parseResult.GetValue(evaluation) ?? [];
            if (trainDirs.Length + evalDirs.Length == 0)
                throw new ArgumentException("Give at least one --training-dir or --evaluation-dir.");
            foreach (var d in trainDirs)
                builder.AddTrainingTasks(d);
            foreach (var d in evalDirs)
                builder.AddEvaluationTasks(d);
            return builder.Build(parseResult.GetValue(output)!, progress, ct);
        }));
        return command;
    }
}
