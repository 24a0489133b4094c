namespace Trm.Data.Puzzles.Sudoku;

/// <summary>
/// Generates Sudoku puzzles with exactly one solution: fills a random complete grid with the solver (random digit
/// order), then blanks cells in random order, keeping each removal only while the solution stays unique, until
/// <see cref="Clues"/> givens remain or no further cell can go. The rating is the solver's guess count on the result.
/// Deterministic for a seed. Not thread-safe (use one instance per thread, or <see cref="Generate(long, int, int)"/>).
/// </summary>
public sealed class SudokuGenerator
{
    private readonly DeterministicRandom _rng;

    /// <summary>Creates a generator with the given seed and target clue count.</summary>
    /// <param name="seed">Seed of the random sequence.</param>
    /// <param name="clues">Givens to leave (17–81); fewer removals happen when uniqueness forbids them.</param>
    public SudokuGenerator(long seed, int clues = 30)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clues, 17);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(clues, 81);
        _rng = new DeterministicRandom(seed);
        Clues = clues;
    }

    /// <summary>The target number of givens.</summary>
    public int Clues { get; }

    /// <summary>The clue count of a difficulty preset.</summary>
    public static int CluesFor(SudokuDifficulty difficulty) => difficulty switch
    {
        SudokuDifficulty.Easy => 45,
        SudokuDifficulty.Medium => 32,
        SudokuDifficulty.Hard => 26,
        SudokuDifficulty.Extreme => 17,
        _ => throw new ArgumentOutOfRangeException(nameof(difficulty)),
    };

    /// <summary>Generates the next puzzle.</summary>
    public SudokuPuzzle Next() => Create(_rng, Clues);

    /// <summary>Generates puzzle number <paramref name="index"/> of a stream seeded by <paramref name="seed"/>; the same arguments give the same puzzle on any thread.</summary>
    public static SudokuPuzzle Generate(long seed, int index, int clues) => Create(new DeterministicRandom(seed, index), clues);

    /// <summary>A random complete valid grid.</summary>
    public byte[] NextSolution() => RandomSolution(_rng);

    private static byte[] RandomSolution(DeterministicRandom rng)
    {
        var search = new SudokuSolver.Search(1, rng);
        search.Load(new byte[SudokuSolver.Cells]);
        search.Run();
        return search.First!;
    }

    private static SudokuPuzzle Create(DeterministicRandom rng, int clues)
    {
        var solution = RandomSolution(rng);
        var puzzle = (byte[])solution.Clone();
        var order = rng.Permutation(SudokuSolver.Cells);
        var remaining = SudokuSolver.Cells;
        // Removals down to ~45 givens never break uniqueness in practice, but every removal is checked.
        foreach (var cell in order)
        {
            if (remaining <= clues)
                break;
            var keep = puzzle[cell];
            puzzle[cell] = 0;
            if (SudokuSolver.CountSolutions(puzzle, 2) == 1)
                remaining--;
            else
                puzzle[cell] = keep;
        }
        var rating = SudokuSolver.Solve(puzzle, 1).Guesses;
        return new SudokuPuzzle(puzzle, solution, rating, "generated");
    }
}
