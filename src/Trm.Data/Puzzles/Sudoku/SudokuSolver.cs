using System.Numerics;

namespace Trm.Data.Puzzles.Sudoku;

/// <summary>
/// Exact 9×9 Sudoku solver and validator: depth-first search over 9-bit candidate masks of rows, columns and boxes,
/// always branching on the empty cell with the fewest candidates (MRV). Grids are 81 bytes, row-major, 0 = blank,
/// 1–9 = digits. Stateless and thread-safe; also the verifier used as a reward for puzzle RL.
/// </summary>
public static class SudokuSolver
{
    /// <summary>Cells in a grid.</summary>
    public const int Cells = 81;

    private const int AllDigits = 0x1FF;

    /// <summary>Searches for up to <paramref name="maxSolutions"/> solutions of <paramref name="puzzle"/>.</summary>
    /// <exception cref="ArgumentException">The grid is not 81 cells of 0–9.</exception>
    public static SudokuSolveResult Solve(ReadOnlySpan<byte> puzzle, int maxSolutions = 2)
    {
        CheckShape(puzzle);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSolutions);
        var search = new Search(maxSolutions);
        if (!search.Load(puzzle))
            return new SudokuSolveResult(0, null, 0, 0);
        search.Run();
        return new SudokuSolveResult(search.Found, search.First, search.Guesses, search.Nodes);
    }

    /// <summary>Counts solutions, stopping at <paramref name="limit"/> (2 answers "is it unique?").</summary>
    public static int CountSolutions(ReadOnlySpan<byte> puzzle, int limit = 2) => Solve(puzzle, limit).SolutionCount;

    /// <summary>Whether <paramref name="puzzle"/> has exactly one solution.</summary>
    public static bool HasUniqueSolution(ReadOnlySpan<byte> puzzle) => CountSolutions(puzzle, 2) == 1;

    /// <summary>Solves <paramref name="puzzle"/> into <paramref name="solution"/>; false when it has no solution.</summary>
    public static bool TrySolve(ReadOnlySpan<byte> puzzle, Span<byte> solution)
    {
        var result = Solve(puzzle, 1);
        if (result.Solution is null)
            return false;
        result.Solution.CopyTo(solution);
        return true;
    }

    /// <summary>Whether the givens of <paramref name="grid"/> break no rule (no digit repeated in a row, column or box); blanks allowed.</summary>
    public static bool IsConsistent(ReadOnlySpan<byte> grid)
    {
        CheckShape(grid);
        return new Search(1).Load(grid);
    }

    /// <summary>
    /// Every pair of givens that repeats a digit in a row, column or box, rows first, then columns, then boxes; empty when
    /// <see cref="IsConsistent"/>. Says which cells break the rules, for a message to the user.
    /// </summary>
    /// <param name="grid">81 cells, 0 = blank.</param>
    /// <exception cref="ArgumentException">The grid is not 81 cells of 0–9.</exception>
    public static IReadOnlyList<SudokuConflict> FindConflicts(ReadOnlySpan<byte> grid)
    {
        CheckShape(grid);
        var conflicts = new List<SudokuConflict>();
        var cells = new int[9];
        for (var kind = 0; kind < 3; kind++)
        {
            for (var unit = 0; unit < 9; unit++)
            {
                for (var k = 0; k < 9; k++)
                {
                    cells[k] = kind switch
                    {
                        0 => unit * 9 + k,
                        1 => k * 9 + unit,
                        _ => (unit / 3 * 3 + k / 3) * 9 + unit % 3 * 3 + k % 3,
                    };
                }
                for (var a = 0; a < 9; a++)
                {
                    for (var b = a + 1; b < 9; b++)
                    {
                        if (grid[cells[a]] != 0 && grid[cells[a]] == grid[cells[b]])
                        {
                            var name = (kind switch { 0 => "row ", 1 => "column ", _ => "box " }) + (unit + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                            conflicts.Add(new SudokuConflict(grid[cells[a]], name, Math.Min(cells[a], cells[b]), Math.Max(cells[a], cells[b])));
                        }
                    }
                }
            }
        }
        return conflicts;
    }

    /// <summary>Whether <paramref name="grid"/> is a complete, valid solution (every row, column and box holds 1–9 once).</summary>
    public static bool IsValidSolution(ReadOnlySpan<byte> grid)
    {
        if (grid.Length != Cells)
            return false;
        foreach (var d in grid)
            if (d is < 1 or > 9)
                return false;
        return IsConsistent(grid);
    }

    /// <summary>The verifier: whether <paramref name="candidate"/> is a valid solution that keeps every given of <paramref name="puzzle"/>.</summary>
    public static bool IsSolutionOf(ReadOnlySpan<byte> puzzle, ReadOnlySpan<byte> candidate)
    {
        CheckShape(puzzle);
        if (!IsValidSolution(candidate))
            return false;
        for (var i = 0; i < Cells; i++)
            if (puzzle[i] != 0 && puzzle[i] != candidate[i])
                return false;
        return true;
    }

    internal static void CheckShape(ReadOnlySpan<byte> grid)
    {
        if (grid.Length != Cells)
            throw new ArgumentException($"A Sudoku grid has 81 cells, got {grid.Length}.", nameof(grid));
        foreach (var d in grid)
            if (d > 9)
                throw new ArgumentException($"Cell values are 0 (blank) or 1–9, got {d}.", nameof(grid));
    }

    /// <summary>The search state; also used by the generator to fill a grid with random digit order.</summary>
    internal sealed class Search(int maxSolutions, DeterministicRandom? random = null)
    {
        private readonly byte[] _grid = new byte[Cells];
        private readonly int[] _rows = new int[9], _cols = new int[9], _boxes = new int[9];

        public int Found { get; private set; }
        public byte[]? First { get; private set; }
        public long Guesses { get; private set; }
        public long Nodes { get; private set; }

        /// <summary>Stops the search after this many nodes (0: unlimited); <see cref="Aborted"/> tells whether it hit the cap.</summary>
        public long NodeLimit { get; init; }
        public bool Aborted { get; private set; }

        public bool Load(ReadOnlySpan<byte> puzzle)
        {
            for (var i = 0; i < Cells; i++)
            {
                var d = puzzle[i];
                _grid[i] = d;
                if (d == 0)
                    continue;
                var bit = 1 << (d - 1);
                int r = i / 9, c = i % 9, b = r / 3 * 3 + c / 3;
                if (((_rows[r] | _cols[c] | _boxes[b]) & bit) != 0)
                    return false;
                _rows[r] |= bit;
                _cols[c] |= bit;
                _boxes[b] |= bit;
            }
            return true;
        }

        public void Run() => Recurse();

        private bool Recurse()
        {
            Nodes++;
            if (NodeLimit > 0 && Nodes > NodeLimit)
            {
                Aborted = true;
                return true;
            }
            // MRV: the blank cell with the fewest candidates.
            int best = -1, bestMask = 0, bestCount = 10;
            for (var i = 0; i < Cells; i++)
            {
                if (_grid[i] != 0)
                    continue;
                int r = i / 9, c = i % 9, b = r / 3 * 3 + c / 3;
                var mask = AllDigits & ~(_rows[r] | _cols[c] | _boxes[b]);
                var count = BitOperations.PopCount((uint)mask);
                if (count < bestCount)
                {
                    best = i;
                    bestMask = mask;
                    bestCount = count;
                    if (count <= 1)
                        break;
                }
            }
            if (best < 0)
            {
                Found++;
                First ??= (byte[])_grid.Clone();
                return Found >= maxSolutions;
            }
            if (bestCount == 0)
                return false;
            if (bestCount > 1)
                Guesses++;
            int br = best / 9, bc = best % 9, bb = br / 3 * 3 + bc / 3;
            Span<int> order = stackalloc int[9];
            var n = 0;
            for (var m = bestMask; m != 0; m &= m - 1)
                order[n++] = BitOperations.TrailingZeroCount(m);
            if (random is not null)
                random.Shuffle(order[..n]);
            for (var k = 0; k < n; k++)
            {
                var digit = order[k];
                var bit = 1 << digit;
                _grid[best] = (byte)(digit + 1);
                _rows[br] |= bit;
                _cols[bc] |= bit;
                _boxes[bb] |= bit;
                var stop = Recurse();
                _rows[br] &= ~bit;
                _cols[bc] &= ~bit;
                _boxes[bb] &= ~bit;
                _grid[best] = 0;
                if (stop)
                    return true;
            }
            return false;
        }
    }
}
