namespace Trm.Data.Puzzles.Sudoku;

/// <summary>The outcome of <see cref="SudokuSolver.Solve"/>.</summary>
/// <param name="SolutionCount">Solutions found, up to the limit asked for (0: none, 1: unique when the limit was at least 2).</param>
/// <param name="Solution">The first solution found (81 digits 1–9, row-major), or <see langword="null"/> when there is none.</param>
/// <param name="Guesses">Branching decisions the search made (cells tried with more than one candidate): a difficulty rating, 0 for puzzles solvable by forced moves.</param>
/// <param name="Nodes">Search nodes visited (a measure of effort).</param>
public sealed record SudokuSolveResult(int SolutionCount, byte[]? Solution, long Guesses, long Nodes)
{
    /// <summary>Whether exactly one solution exists (meaningful when the search limit was at least 2).</summary>
    public bool IsUnique => SolutionCount == 1;
}
