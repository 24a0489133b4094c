using System.Globalization;
using Trm.Data.Puzzles.Sudoku;

namespace HostedTraining;

/// <summary>What one run of <see cref="SudokuTrainingJob"/> did.</summary>
/// <param name="ExactBefore">Held-out exact accuracy of the untrained model.</param>
/// <param name="ExactAfter">Held-out exact accuracy after training.</param>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="Checkpoint">The last checkpoint written.</param>
/// <param name="Puzzle">The held-out puzzle solved (81 cells, 0 = blank).</param>
/// <param name="Answer">The solver's grid.</param>
/// <param name="ActSteps">ACT steps the solver used.</param>
/// <param name="Valid">Whether the answer solves the puzzle.</param>
public sealed record SudokuTrainingReport(double ExactBefore, double ExactAfter, long Steps, string Checkpoint, byte[] Puzzle, byte[] Answer, int ActSteps, bool Valid)
{
    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"""
        Held-out puzzles solved exactly: {ExactBefore:P1} untrained, {ExactAfter:P1} after {Steps} steps ({Checkpoint}).
        A held-out puzzle and the solver's answer ({ActSteps} ACT steps, {(Valid ? "a valid solution" : "not a valid solution")}):
        {SudokuEncoding.Render(Puzzle)}
        {SudokuEncoding.Render(Answer)}
        """);
}
