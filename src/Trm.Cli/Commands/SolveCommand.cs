using System.CommandLine;
using Trm.Data.Puzzles.Sudoku;
using Trm.Inference.Puzzles;
using Trm.Model.Checkpoints;
using Trm.Training;

namespace Trm.Cli.Commands;

/// <summary><c>trm solve --checkpoint checkpoints/run/step_N --sudoku "53..7...."</c>: solves a Sudoku with a trained TRM.</summary>
public static class SolveCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint folder (checkpoints/<run>/step_N) or its model.safetensors.", Required = true };
        var sudoku = new Option<string>("--sudoku") { Description = "The puzzle as 81 characters, row by row: 1-9 given, '.' or '0' blank.", Required = true };
        var device = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var allSteps = new Option<bool>("--all-steps") { Description = "Run every ACT step and answer from the last, as evaluation does (the default; kept for scripts that pass it)." };
        var earlyStop = new Option<bool>("--act-early-stop") { Description = "Stop at the first ACT step whose halting probability exceeds --halt-threshold (fewer steps; its accuracy is measured in docs/puzzles.md)." };
        var threshold = new Option<double>("--halt-threshold") { Description = "Halting probability for --act-early-stop, in [0.5, 1) (0.5 = the reference's training rule).", DefaultValueFactory = _ => PuzzleSolver.DefaultHaltThreshold };
        var timeout = new Option<double?>("--timeout") { Description = "Give up after this many seconds of wall-clock time (exit code 3)." };
        var command = new Command("solve", "Solve a Sudoku with a trained TRM; prints the grid, whether it is a valid solution, and the ACT steps used.");
        command.Options.Add(checkpoint);
        command.Options.Add(sudoku);
        command.Options.Add(device);
        command.Options.Add(allSteps);
        command.Options.Add(earlyStop);
        command.Options.Add(threshold);
        command.Options.Add(timeout);
        command.SetAction((parseResult, cancellationToken) => Task.FromResult(Run(parseResult, checkpoint, sudoku, device, new StopOptions(allSteps, earlyStop, threshold), timeout, cancellationToken)));
        return command;
    }

    private static int Run(ParseResult parseResult, Option<string> checkpoint, Option<string> sudoku, Option<string> device, StopOptions stop, Option<double?> timeout, CancellationToken cancellationToken)
    {
        {
            var earlyStop = parseResult.GetValue(stop.EarlyStop);
            if (earlyStop && parseResult.GetValue(stop.AllSteps))
            {
                Console.Error.WriteLine("--act-early-stop and --all-steps contradict each other; pass one");
                return 2;
            }
            var haltThreshold = parseResult.GetValue(stop.Threshold);
            if (!(haltThreshold >= 0.5 && haltThreshold < 1))
            {
                Console.Error.WriteLine($"--halt-threshold: must be a probability in [0.5, 1), got {haltThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
                return 2;
            }
            byte[] grid;
            try
            {
                grid = SudokuPuzzle.ParseGrid(parseResult.GetValue(sudoku)!.Trim());
            }
            catch (FormatException e)
            {
                Console.Error.WriteLine($"--sudoku: {e.Message}");
                return 2;
            }
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (parseResult.GetValue(timeout) is { } seconds)
            {
                if (!(seconds > 0))
                {
                    Console.Error.WriteLine($"--timeout: must be a positive number of seconds, got {seconds}");
                    return 2;
                }
                limit.CancelAfter(TimeSpan.FromSeconds(seconds));
            }
            try
            {
                var path = parseResult.GetValue(checkpoint)!;
                var target = TrainerBuilder.ResolveDevice(parseResult.GetValue(device)!);
                // A folder is opened and verified against its manifest; a bare weights file is an explicit import.
                using var solver = File.Exists(path) ? new PuzzleSolver(TrmCheckpoint.Import(path).LoadModel(target), ownsModel: true) : PuzzleSolver.Load(path, target);
                solver.StopAtHalt = earlyStop;
                solver.HaltThreshold = haltThreshold;
                var report = Solve(solver, grid, limit.Token);
                Console.Write(report.Text);
                return report.Valid ? 0 : 1;
            }
            catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine($"--timeout: gave up after {parseResult.GetValue(timeout)} s");
                return 3;
            }
            catch (Exception e) when (e is InvalidDataException or TrmCheckpointException)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        }
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
            .AppendLine(FormattableString.Invariant($"ACT steps: {solution.Steps} of {solver.Config.HaltMaxSteps}{StepNote(solver, solution)}"))
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

    private sealed record StopOptions(Option<bool> AllSteps, Option<bool> EarlyStop, Option<double> Threshold);
}
