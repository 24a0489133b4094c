namespace Trm.Data.Puzzles.Sudoku;

/// <summary>A Sudoku puzzle with its solution (81 cells each, row-major, 0 = blank) and a difficulty rating.</summary>
/// <param name="Puzzle">The givens, 0 for blanks.</param>
/// <param name="Solution">The complete solution.</param>
/// <param name="Rating">Difficulty: the solver's guess count for generated puzzles, the CSV's rating column for imported ones.</param>
/// <param name="Source">Where it came from (CSV source column, or <c>generated</c>).</param>
public sealed record SudokuPuzzle(byte[] Puzzle, byte[] Solution, long Rating, string Source)
{
    /// <summary>Number of givens.</summary>
    public int Clues => Puzzle.Count(d => d != 0);

    /// <summary>Parses 81 characters (digits 1–9, <c>.</c> or <c>0</c> for blanks) into a grid.</summary>
    /// <exception cref="FormatException">The text is not 81 such characters.</exception>
    public static byte[] ParseGrid(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length != SudokuSolver.Cells)
            throw new FormatException($"A grid has 81 cells, got {text.Length} characters.");
        var grid = new byte[SudokuSolver.Cells];
        for (var i = 0; i < grid.Length; i++)
        {
            var ch = text[i];
            grid[i] = ch switch
            {
                '.' or '0' => 0,
                >= '1' and <= '9' => (byte)(ch - '0'),
                _ => throw new FormatException($"Cell {i + 1} is '{ch}'; expected 1–9, '.' or '0'."),
            };
        }
        return grid;
    }

    /// <summary>Formats a grid as 81 characters with <c>.</c> for blanks (the sudoku-extreme CSV form).</summary>
    public static string FormatGrid(ReadOnlySpan<byte> grid)
    {
        var chars = new char[grid.Length];
        for (var i = 0; i < grid.Length; i++)
            chars[i] = grid[i] == 0 ? '.' : (char)('0' + grid[i]);
        return new string(chars);
    }
}
