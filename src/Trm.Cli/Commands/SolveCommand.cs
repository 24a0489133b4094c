using System.CommandLine;
using Trm.Data.Puzzles.Sudoku;
using Trm.Inference.Puzzles;
using Trm.Model.Checkpoints;
using Trm.Training;

namespace Trm.Cli.Commands;

/// <summary><c>trm solve --checkpoint checkpoints/run/step_N --sudoku "53..7...."</c>: solves a Sudoku with a trained TRM.</summary>
public static class SolveCommand
{
    /// <summary>Exit code when the model's answer is not a valid solution.</summary>
    internal const int InvalidAnswer = 1;

    /// <summary>Exit code when <c>--timeout</c> expired.</summary>
    internal const int TimedOut = 3;

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint folder (checkpoints/<run>/step_N) or its model.safetensors.", Required = true };
        var sudoku = new Option<string>("--sudoku") { Description = "The puzzle as 81 characters, row by row: 1-9 given, '.' or '0' blank.", Required = true };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var allSteps = new Option<bool>("--all-steps") { Description = "Run every ACT step and answer from the last, as evaluation does (the default; kept for scripts that pass it)." };
        var earlyStop = new Option<bool>("--act-early-stop") { Description = "Stop at the first ACT step whose halting probability exceeds --halt-threshold (fewer steps; its accuracy is measured in docs/puzzles.md)." };
        var threshold = new Option<double>("--halt-threshold") { Description = "Halting probability for --act-early-stop, in [0.5, 1) (0.5 = the reference's training rule).", DefaultValueFactory = _ => PuzzleSolver.DefaultHaltThreshold };
        var actSteps = new Option<int?>("--act-steps") { Description = "ACT steps to run at most (default: the checkpoint's eval_halt_max_steps, else its halt_max_steps)." };
        var timeout = new Option<double?>("--timeout") { Description = "Give up after this many seconds of wall-clock time (exit code 3)." };
        var verbose = CommandErrors.VerboseOption();
        var command = new Command("solve", "Solve a Sudoku with a trained TRM; prints the grid, whether it is a valid solution, and the ACT steps used. Exit codes: 0 valid answer, 1 invalid answer, 2 user error (bad grid or checkpoint, contradictory givens), 3 --timeout.");
        command.Options.Add(checkpoint);
        command.Options.Add(sudoku);
        command.Options.Add(device);
        command.Options.Add(allSteps);
        command.Options.Add(earlyStop);
        command.Options.Add(threshold);
        command.Options.Add(actSteps);
        command.Options.Add(timeout);
        command.Options.Add(verbose);
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(CommandErrors.Run(parseResult, parseResult.GetValue(verbose),
            () => Run(parseResult, checkpoint, sudoku, device, new StopOptions(allSteps, earlyStop, threshold, actSteps), timeout, cancellationToken), cancellationToken)));
        return command;
    }

    private static int Run(ParseResult parseResult, Option<string> checkpoint, Option<string> sudoku, Option<string> device, StopOptions stop, Option<double?> timeout, CancellationToken cancellationToken)
    {
        var error = parseResult.InvocationConfiguration.Error;
        var earlyStop = parseResult.GetValue(stop.EarlyStop);
        if (earlyStop && parseResult.GetValue(stop.AllSteps))
        {
            error.WriteLine("error: --act-early-stop and --all-steps contradict each other; pass one");
            return CommandErrors.UserError;
        }
        var haltThreshold = parseResult.GetValue(stop.Threshold);
        if (!(haltThreshold >= 0.5 && haltThreshold < 1))
        {
            error.WriteLine($"error: --halt-threshold: must be a probability in [0.5, 1), got {haltThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
            return CommandErrors.UserError;
        }
        var actSteps = parseResult.GetValue(stop.ActSteps);
        if (actSteps is <= 0 or > 1024)
        {
            error.WriteLine($"error: --act-steps: must be in [1, 1024], got {actSteps}");
            return CommandErrors.UserError;
        }
        byte[] grid;
        try
        {
            grid = SudokuPuzzle.ParseGrid(parseResult.GetValue(sudoku)!.Trim());
        }
        catch (FormatException e)
        {
            error.WriteLine($"error: --sudoku: {e.Message}");
            return CommandErrors.UserError;
        }
        if (Diagnose(grid) is { } problem)
        {
            error.WriteLine($"error: --sudoku: {problem}");
            return CommandErrors.UserError;
        }
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (parseResult.GetValue(timeout) is { } seconds)
        {
            if (!(seconds > 0))
            {
                error.WriteLine($"error: --timeout: must be a positive number of seconds, got {seconds}");
                return CommandErrors.UserError;
            }
            limit.CancelAfter(TimeSpan.FromSeconds(seconds));
        }
        try
        {
            var path = parseResult.GetValue(checkpoint)!;
            var target = TrainerBuilder.ResolveDevice(parseResult.GetValue(device)!);
            // A folder is opened and verified against its manifest; a bare weights file is an explicit import.
            using var solver = File.Exists(path) ? new PuzzleSolver(TrmCheckpoint.Import(path).LoadModel(target, actSteps), ownsModel: true) : PuzzleSolver.Load(path, target, actSteps);
            if (solver.Config.SeqLen != SudokuEncoding.SeqLen)
            {
                error.WriteLine($"error: --checkpoint: {path} is a model for sequences of {solver.Config.SeqLen} tokens, not a Sudoku model ({SudokuEncoding.SeqLen} tokens)");
                return CommandErrors.UserError;
            }
            solver.StopAtHalt = earlyStop;
            solver.HaltThreshold = haltThreshold;
            var report = Solve(solver, grid, limit.Token);
            parseResult.InvocationConfiguration.Output.Write(report.Text);
            return report.Valid ? 0 : InvalidAnswer;
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            error.WriteLine($"error: --timeout: gave up after {parseResult.GetValue(timeout)} s");
            return TimedOut;
        }
    }

    /// <summary>What makes <paramref name="grid"/> impossible before any model sees it: repeated givens (naming the cells), or no solution at all.</summary>
    internal static string? Diagnose(byte[] grid)
    {
        var conflicts = SudokuSolver.FindConflicts(grid);
        if (conflicts.Count > 0)
        {
            return $"contradictory givens: {string.Join("; ", conflicts.Take(5))}{(conflicts.Count > 5 ? $"; and {conflicts.Count - 5} more" : "")} (cells are rRcC, 1-based)";
        }
        return SudokuSolver.CountSolutions(grid, 1) == 0 ? "the givens break no rule but the puzzle has no solution" : null;
    }

    /// <summary>Solves <paramref name="grid"/> and renders puzzle, answer, validity and steps.</summary>
    internal static (string Text, bool Valid, byte[] Answer, PuzzleSolution Solution) Solve(PuzzleSolver solver, byte[] grid, CancellationToken cancellationToken = default)
    {
        Span<byte> tokens = stackalloc byte[SudokuEncoding.SeqLen];
        SudokuEncoding.Encode(grid, tokens);
        var input = new int[tokens.Length];
        for (var i = 0; i < tokens.Length; i++) input[i] = tokens[i];
        var solution = solver.SolveBatch([input], null, cancellationToken)[0];
        var answer = SudokuEncoding.Decode(solution.Tokens);
        var valid = SudokuSolver.IsSolutionOf(grid, answer);
        var text = new System.Text.StringBuilder()
            .AppendLine("puzzle:").AppendLine(SudokuEncoding.Render(grid))
            .AppendLine("model's answer:").AppendLine(SudokuEncoding.Render(answer))
            .AppendLine(valid ? "valid solution: yes" : "valid solution: NO")
            .AppendLine(FormattableString.Invariant($"ACT steps: {solution.Steps} of {solver.Config.EffectiveEvalHaltMaxSteps}{StepNote(solver, solution)}"))
            .ToString();
        return (text, valid, answer, solution);
    }

    private static string StepNote(PuzzleSolver solver, PuzzleSolution solution)
    {
        var p = 1 / (1 + Math.Exp(-solution.HaltLogit));
        if (!solver.StopAtHalt) return FormattableString.Invariant($" (all steps; halting probability {p:F3})");
        return solution.Halted
            ? FormattableString.Invariant($" (stopped early: halting probability {p:F3} > {solver.HaltThreshold})")
            : FormattableString.Invariant($" (step limit; halting probability {p:F3})");
    }

    private sealed record StopOptions(Option<bool> AllSteps, Option<bool> EarlyStop, Option<double> Threshold, Option<int?> ActSteps);
}
