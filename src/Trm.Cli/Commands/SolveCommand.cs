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
        var allSteps = new Option<bool>("--all-steps") { Description = "Run every ACT step and answer from the last (as evaluation does) instead of stopping when the model halts." };
        var command = new Command("solve", "Solve a Sudoku with a trained TRM; prints the grid, whether it is a valid solution, and the ACT steps used.");
        command.Options.Add(checkpoint);
        command.Options.Add(sudoku);
        command.Options.Add(device);
        command.Options.Add(allSteps);
        command.SetAction(parseResult =>
        {
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
            try
            {
                using var solver = PuzzleSolver.Load(parseResult.GetValue(checkpoint)!, TrainerBuilder.ResolveDevice(parseResult.GetValue(device)!));
                solver.StopAtHalt = !parseResult.GetValue(allSteps);
                var report = Solve(solver, grid);
                Console.Write(report.Text);
                return report.Valid ? 0 : 1;
            }
            catch (Exception e) when (e is InvalidDataException or TrmCheckpointException)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        });
        return command;
    }

    /// <summary>Solves <paramref name="grid"/> and renders puzzle, answer, validity and steps.</summary>
    internal static (string Text, bool Valid, byte[] Answer, PuzzleSolution Solution) Solve(PuzzleSolver solver, byte[] grid)
    {
        Span<byte> tokens = stackalloc byte[SudokuEncoding.SeqLen];
        SudokuEncoding.Encode(grid, tokens);
        var input = new int[tokens.Length];
        for (var i = 0; i < tokens.Length; i++) input[i] = tokens[i];
        var solution = solver.Solve(input);
        var answer = SudokuEncoding.Decode(solution.Tokens);
        var valid = SudokuSolver.IsSolutionOf(grid, answer);
        var text = new System.Text.StringBuilder()
            .AppendLine("puzzle:").AppendLine(SudokuEncoding.Render(grid))
            .AppendLine("model's answer:").AppendLine(SudokuEncoding.Render(answer))
            .AppendLine(valid ? "valid solution: yes" : "valid solution: NO")
            .AppendLine(FormattableString.Invariant($"ACT steps: {solution.Steps} of {solver.Config.HaltMaxSteps}{(solution.Halted ? " (halted by the model)" : " (step limit)")}"))
            .ToString();
        return (text, valid, answer, solution);
    }
}
