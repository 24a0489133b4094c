namespace Trm.Data.Puzzles.Sudoku;

/// <summary>Presets of the generator's difficulty knob (the number of givens left).</summary>
public enum SudokuDifficulty
{
    /// <summary>About 45 givens: solvable by forced moves; what a small model learns on CPU in minutes.</summary>
    Easy,
    /// <summary>About 32 givens.</summary>
    Medium,
    /// <summary>About 26 givens.</summary>
    Hard,
    /// <summary>As few givens as uniqueness allows (minimal puzzles, usually 22–26).</summary>
    Extreme,
}
