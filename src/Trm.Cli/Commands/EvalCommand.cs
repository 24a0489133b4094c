using System.CommandLine;
using Trm.Data;
using Trm.Model.Checkpoints;
using Trm.Training;
using Trm.Training.Evaluation;

namespace Trm.Cli.Commands;

/// <summary><c>trm eval --checkpoint checkpoints/run/step_N --data data/sudoku</c>: evaluates a checkpoint on a test split.</summary>
public static class EvalCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint folder (checkpoints/<run>/step_N).", Required = true };
        var data = new Option<string[]>("--data") { Description = "Dataset folder(s) whose test/ split is evaluated.", Required = true, AllowMultipleArgumentsPerToken = true };
        var batchSize = new Option<int>("--batch-size") { Description = "Examples per batch.", DefaultValueFactory = _ => 256 };
        var maxExamples = new Option<int?>("--max-examples") { Description = "Evaluate at most this many examples." };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };
        var command = new Command("eval", "Evaluate a checkpoint on a dataset's test split (token, exact and halting accuracy, ACT steps, loss).");
        command.Options.Add(checkpoint);
        command.Options.Add(data);
        command.Options.Add(batchSize);
        command.Options.Add(maxExamples);
        command.Options.Add(device);
        command.SetAction((parseResult, cancellationToken) =>
        {
            try
            {
                var result = CheckpointEvaluation.Evaluate(parseResult.GetValue(checkpoint)!, parseResult.GetValue(data)!, parseResult.GetValue(batchSize),
                    TrainerBuilder.ResolveDevice(parseResult.GetValue(device)!), parseResult.GetValue(maxExamples), cancellationToken);
                Console.WriteLine(TrainingConsole.Describe(result));
                foreach (var (name, value) in result.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    Console.WriteLine(FormattableString.Invariant($"  {name,-20} {value:G6}"));
                }
                return Task.FromResult(0);
            }
            catch (Exception e) when (e is TrmDataException or TrmCheckpointException or InvalidDataException)
            {
                Console.Error.WriteLine(e.Message);
                return Task.FromResult(2);
            }
        });
        return command;
    }
}
