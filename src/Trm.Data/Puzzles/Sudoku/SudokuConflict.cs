using System.Globalization;

namespace Trm.Data.Puzzles.Sudoku;

/// <summary>Two givens of a Sudoku that break a rule: the same digit twice in one row, column or box (<see cref="SudokuSolver.FindConflicts"/>).</summary>
/// <param name="Digit">The repeated digit (1–9).</param>
/// <param name="Unit">Where both lie: <c>row R</c>, <c>column C</c> or <c>box B</c> (1-based; boxes numbered row by row).</param>
/// <param name="FirstCell">The earlier cell (0–80, row-major).</param>
/// <param name="SecondCell">The later cell (0–80, row-major).</param>
public sealed record SudokuConflict(int Digit, string Unit, int FirstCell, int SecondCell)
{
    /// <summary>A cell's name: <c>r1c5</c> (row and column, 1-based).</summary>
    /// <param name="cell">The cell (0–80, row-major).</param>
    public static string CellName(int cell) => string.Create(CultureInfo.InvariantCulture, $"r{cell / 9 + 1}c{cell % 9 + 1}");

    /// <summary>The conflict in words: <c>5 twice in row 1 (r1c1 and r1c5)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Digit} twice in {Unit} ({CellName(FirstCell)} and {CellName(SecondCell)})");
}
