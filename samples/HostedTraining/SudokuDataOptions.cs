namespace HostedTraining;

/// <summary>The Sudoku dataset the sample builds when its <c>data_paths</c> folder is missing (section <c>Sudoku</c>).</summary>
public sealed class SudokuDataOptions
{
    /// <summary>Training puzzles to generate.</summary>
    public int TrainPuzzles { get; set; } = 20_000;

    /// <summary>Held-out puzzles to generate.</summary>
    public int TestPuzzles { get; set; } = 500;

    /// <summary>Given digits per puzzle (more is easier).</summary>
    public int Clues { get; set; } = 50;

    /// <summary>Seed of the generator.</summary>
    public int Seed { get; set; }
}
