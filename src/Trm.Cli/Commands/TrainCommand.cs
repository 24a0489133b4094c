using System.CommandLine;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Trm.Data;
using Trm.Model.Checkpoints;
using Trm.Model.Configuration;
using Trm.Training;
using Trm.Training.Configuration;

namespace Trm.Cli.Commands;

/// <summary>
/// <c>trm train</c>: trains a TRM on a puzzle dataset with the reference's override syntax, e.g.
/// <c>trm train arch=trm data_paths="[data/sudoku-small]" arch.mlp_t=True lr=1e-4 ema=True +run_name=x</c>.
/// </summary>
public static class TrainCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var overrides = new Argument<string[]>("overrides") { Description = "Overrides in the reference's style: key=value, +key=value, arch.key=value, data_paths=\"[a,b]\".", Arity = ArgumentArity.ZeroOrMore };
        var configFile = new Option<string?>("--config") { Description = "JSON configuration file (same keys); overrides apply on top." };
        var verbose = new Option<bool>("--verbose") { Description = "Log every few steps instead of showing a progress bar." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in an existing run folder from its latest checkpoint (otherwise an existing run folder is refused)." };
        var command = new Command("train", "Train a TRM on a puzzle dataset (reference-style overrides; checkpoints under checkpoints/<run>/step_N).");
        command.Arguments.Add(overrides);
        command.Options.Add(configFile);
        command.Options.Add(verbose);
        command.Options.Add(resume);
        command.SetAction((parseResult, cancellationToken) =>
        {
            try
            {
                var config = ConfigLoader.Load(parseResult.GetValue(overrides) ?? [], parseResult.GetValue(configFile));
                using var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information));
                var builder = Trainer.CreateBuilder().WithConfig(config);
                if (parseResult.GetValue(resume)) builder.WithResume();
                if (parseResult.GetValue(verbose)) builder.WithLogger(loggerFactory.CreateLogger<Trainer>(), interval: 10);
                using var trainer = builder.Build();
                AnsiConsole.MarkupLine($"[bold]run[/] {Markup.Escape(trainer.RunName)}: {trainer.StepLimit} steps on {trainer.Device}, checkpoints in {Markup.Escape(trainer.CheckpointRoot)}");
                var result = parseResult.GetValue(verbose) ? trainer.Run(null, cancellationToken) : TrainingConsole.Run(trainer, cancellationToken);
                AnsiConsole.MarkupLine($"[green]done[/]: {result.Steps} steps in {result.Elapsed:hh\\:mm\\:ss} ({Markup.Escape(result.StopReason)}); last checkpoint {Markup.Escape(result.LastCheckpoint ?? "none")}");
                return Task.FromResult(0);
            }
            catch (Exception e) when (e is TrmConfigException or TrmDataException or TrmCheckpointException)
            {
                Console.Error.WriteLine(e.Message);
                return Task.FromResult(2);
            }
        });
        return command;
    }
}
