using System.CommandLine;
using Trm.Training;
using Trm.Training.Evaluation;

namespace Trm.Cli.Commands;

/// <summary><c>trm eval --checkpoint checkpoints/run/step_N --data data/sudoku</c>: evaluates a checkpoint on a test split.</summary>
public static class EvalCommand
{
    /// <summary>Exit code when <c>--timeout</c> expired.</summary>
    internal const int TimedOut = 3;

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint folder (checkpoints/<run>/step_N).", Required = true };
        var data = new Option<string[]>("--data") { Description = "Dataset folder(s) whose test/ split is evaluated.", Required = true, AllowMultipleArgumentsPerToken = true };
        var batchSize = new Option<int>("--batch-size") { Description = "Examples per batch.", DefaultValueFactory = _ => 256 };
        var maxExamples = new Option<int?>("--max-examples") { Description = "Evaluate at most this many examples." };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "auto" };
        var actSteps = new Option<int?>("--act-steps") { Description = "ACT steps per example (default: the checkpoint's eval_halt_max_steps, else its halt_max_steps); more steps than in training often solve more." };
        var timeout = new Option<double?>("--timeout") { Description = "Stop the evaluation after this many seconds of wall-clock time (exit code 3) instead of waiting for it." };
        var verbose = CommandErrors.VerboseOption();
        var command = new Command("eval", "Evaluate a checkpoint on a dataset's test split (token, exact and halting accuracy, ACT steps, loss). Exit codes: 0 done, 2 user error (bad checkpoint, dataset or option), 3 --timeout.");
        command.Options.Add(checkpoint);
        command.Options.Add(data);
        command.Options.Add(batchSize);
        command.Options.Add(maxExamples);
        command.Options.Add(device);
        command.Options.Add(actSteps);
        command.Options.Add(timeout);
        command.Options.Add(verbose);
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(CommandErrors.Run(parseResult, parseResult.GetValue(verbose), () =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var seconds = parseResult.GetValue(timeout);
            if (seconds is { } s)
            {
                if (!(s > 0))
                {
                    error.WriteLine($"error: --timeout: must be a positive number of seconds, got {s}");
                    return CommandErrors.UserError;
                }
                limit.CancelAfter(TimeSpan.FromSeconds(s));
            }
            try
            {
                var result = CheckpointEvaluation.Evaluate(parseResult.GetValue(checkpoint)!, parseResult.GetValue(data)!, parseResult.GetValue(batchSize),
                    TrainerBuilder.ResolveDevice(parseResult.GetValue(device)!), parseResult.GetValue(maxExamples), parseResult.GetValue(actSteps), limit.Token);
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine(TrainingConsole.Describe(result));
                foreach (var (name, value) in result.Values.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    output.WriteLine(FormattableString.Invariant($"  {name,-20} {value:G6}"));
                }
                return 0;
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                error.WriteLine(FormattableString.Invariant($"error: --timeout: the evaluation of {parseResult.GetValue(checkpoint)} did not finish in {seconds} s; stopped (raise --timeout, or lower --max-examples)"));
                return TimedOut;
            }
        }, cancellationToken)));
        return command;
    }
}
